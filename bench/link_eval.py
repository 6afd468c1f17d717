#!/usr/bin/env python3
"""Linking figures on the dev sets: `pubminer link` over the gold mentions (accuracy@1/@5),
and `pubminer annotate` + `eval link` end to end (document, concept) P/R/F1.

For each corpus, with the default lexicon (vocabularies only) and, where the corpus has a
train split, a lexicon tuned on it (`lexicon build --tune-on TRAIN`). MeSH/MEDIC-coded corpora
are linked with `--namespaces` so that concepts only MONDO or DO know are not offered.
Markdown to stdout and bench/out/link_eval.md; predictions in bench/out/link/.

Usage: cargo build --release && python3 bench/link_eval.py
"""

import argparse
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

# name, dev, train, types, namespaces
CORPORA = [
    ("BC5CDR dev", "corpora/bc5cdr/CDR_DevelopmentSet.PubTator.txt",
     "corpora/bc5cdr/CDR_TrainingSet.PubTator.txt", "Chemical,Disease", "MESH"),
    ("NCBI Disease devel", "corpora/ncbi-disease/devel/NCBIdevelopset_corpus.txt",
     "corpora/ncbi-disease/train/NCBItrainset_corpus.txt", "Disease", "MESH,OMIM"),
    ("NLM-Gene train (as dev)", "corpora/genes/NLMgene_Train.PubTator", None, "Gene", ""),
    ("GNormPlus train (as dev)", "corpora/genes/GNormPlus_Train.PubTator", None, "Gene", ""),
]


def run(cmd):
    started = time.time()
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode not in (0, 3):
        sys.exit(f"failed ({p.returncode}): {' '.join(cmd)}\n{p.stderr}")
    return p, time.time() - started


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=os.environ.get("PUBMINER_DATA", os.path.join(ROOT, "../shared/data")))
    ap.add_argument("--pubminer", default=os.path.join(ROOT, "target/release/pubminer"))
    ap.add_argument("--out", default=os.path.join(HERE, "out"))
    args = ap.parse_args()
    data = os.path.abspath(args.data)
    out = os.path.join(args.out, "link")
    os.makedirs(out, exist_ok=True)
    pm = args.pubminer
    vocab = os.path.join(data, "vocab")
    default = os.path.join(out, "default.pmlex")
    run([pm, "lexicon", "build", "-q", "--vocab", vocab, "-o", default])

    rows = []
    for name, dev, train, types, spaces in CORPORA:
        slug = name.split()[0].lower()
        lexicons = [("default", default)]
        if train:
            tuned = os.path.join(out, f"{slug}-tuned.pmlex")
            run([pm, "lexicon", "build", "-q", "--vocab", vocab, "-o", tuned, "--tune-on",
                 os.path.join(data, train)])
            lexicons.append(("tuned on train", tuned))
        gold = os.path.join(data, dev)
        for label, lex in lexicons:
            tag = f"{slug}-{label.split()[0]}"
            linked = os.path.join(out, f"{tag}-linked.jsonl")
            cmd = [pm, "link", "-q", "--lexicon", lex, gold, "--types", types, "--to", "jsonl", "-o", linked]
            if spaces:
                cmd += ["--namespaces", spaces]
            _, seconds = run(cmd)
            p, _ = run([pm, "eval", "link", "-q", "--json", "--gold", gold, "--pred", linked])
            with_gold = json.loads(p.stdout)
            annotated = os.path.join(out, f"{tag}-annotated.jsonl")
            run([pm, "annotate", "-q", "--lexicon", lex, gold, "--types", types, "--to", "jsonl", "-o", annotated])
            p, _ = run([pm, "eval", "link", "-q", "--json", "--gold", gold, "--pred", annotated])
            e2e = json.loads(p.stdout)
            rows.append((name, label, with_gold, e2e, seconds))

    lines = ["| corpus | lexicon | type | gold mentions | acc@1 | acc@5 | end-to-end P | R | F1 |",
             "|---|---|---|---:|---:|---:|---:|---:|---:|"]
    for name, label, g, e, _ in rows:
        for t, a in g["accuracy"].items():
            s = e["end_to_end"].get(t, {"precision": 0, "recall": 0, "f1": 0})
            lines.append(f"| {name} | {label} | {t} | {a['mentions']} | **{a['acc_at_1']:.3f}** | "
                         f"{a['acc_at_5']:.3f} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} |")
    table = "\n".join(lines)
    print(table)
    with open(os.path.join(args.out, "link_eval.md"), "w") as f:
        f.write(table + "\n")


if __name__ == "__main__":
    main()
