#!/usr/bin/env python3
"""Dictionary NER figures on the dev sets: `pubminer annotate` + `pubminer eval ner`.

For every corpus: annotate the dev split with the default lexicon, and (where the corpus has
a train split) with a lexicon tuned on that train split (`lexicon build --tune-on`), then
score both against the dev gold. Prints a Markdown table (also written to
bench/out/ner_eval.md) and keeps every prediction and JSON report in bench/out/ner/.

Usage: cargo build --release && python3 bench/ner_eval.py [--data ../shared/data]
Standard library only.
"""

import argparse
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

# name, dev file, train file (None: no tuning), --types, extra eval --map, --from for dev
CORPORA = [
    ("BC5CDR dev", "corpora/bc5cdr/CDR_DevelopmentSet.PubTator.txt",
     "corpora/bc5cdr/CDR_TrainingSet.PubTator.txt", "Chemical,Disease", [], None),
    ("NCBI Disease devel", "corpora/ncbi-disease/devel/NCBIdevelopset_corpus.txt",
     "corpora/ncbi-disease/train/NCBItrainset_corpus.txt", "Disease", [], None),
    ("BioRED dev", "corpora/biored/Dev.PubTator", "corpora/biored/Train.PubTator",
     "Gene,Disease,Chemical,Species", [], None),
    ("NLM-Gene train (as dev)", "corpora/genes/NLMgene_Train.PubTator", None, "Gene", [], None),
    ("GNormPlus train (as dev)", "corpora/genes/GNormPlus_Train.PubTator", None, "Gene", [], None),
    ("BC2GM devel (IOB)", "corpora/iob/BC2GM/devel.tsv", "corpora/iob/BC2GM/train.tsv", "Gene",
     ["Entity=Gene"], "iob"),
    ("AnatEM devel (IOB)", "corpora/iob/AnatEM/devel.tsv", "corpora/iob/AnatEM/train.tsv",
     "Anatomy,CellType", ["Entity=Anatomy"], "iob"),
]


def run(cmd, **kw):
    started = time.time()
    p = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if p.returncode not in (0, 3):
        sys.exit(f"command failed ({p.returncode}): {' '.join(cmd)}\n{p.stderr}")
    return p, time.time() - started


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=os.environ.get("PUBMINER_DATA", os.path.join(ROOT, "../shared/data")))
    ap.add_argument("--pubminer", default=os.path.join(ROOT, "target/release/pubminer"))
    ap.add_argument("--out", default=os.path.join(HERE, "out"))
    ap.add_argument("--only", default="", help="comma-separated substrings of corpus names")
    args = ap.parse_args()
    data = os.path.abspath(args.data)
    out = os.path.join(args.out, "ner")
    os.makedirs(out, exist_ok=True)
    pm = args.pubminer
    vocab = os.path.join(data, "vocab")

    default_lex = os.path.join(out, "default.pmlex")
    if not os.path.exists(default_lex):
        run([pm, "lexicon", "build", "-q", "--vocab", vocab, "-o", default_lex])

    rows = []
    for name, dev, train, types, maps, fmt in CORPORA:
        if args.only and not any(s.strip() and s.strip() in name for s in args.only.split(",")):
            continue
        slug = name.split()[0].lower()
        lexicons = [("default", default_lex)]
        if train:
            tuned = os.path.join(out, f"{slug}-tuned.pmlex")
            tune_cmd = [pm, "lexicon", "build", "-q", "--vocab", vocab, "-o", tuned,
                        "--tune-on", os.path.join(data, train)]
            for m in maps:
                tune_cmd += ["--tune-map", m]
            if fmt:
                # IOB training files: the reader needs to know the format.
                tune_cmd = [pm, "convert", "-q", "--from", fmt, os.path.join(data, train),
                            "--to", "jsonl", "-o", os.path.join(out, f"{slug}-train.jsonl")]
                run(tune_cmd)
                tune_cmd = [pm, "lexicon", "build", "-q", "--vocab", vocab, "-o", tuned,
                            "--tune-on", os.path.join(out, f"{slug}-train.jsonl")]
                for m in maps:
                    tune_cmd += ["--tune-map", m]
            run(tune_cmd)
            lexicons.append(("tuned on train", tuned))
        for label, lex in lexicons:
            pred = os.path.join(out, f"{slug}-{label.split()[0]}.jsonl")
            cmd = [pm, "annotate", "-q", "--lexicon", lex, os.path.join(data, dev),
                   "--types", types, "--to", "jsonl", "-o", pred]
            if fmt:
                cmd += ["--from", fmt]
            _, seconds = run(cmd)
            ev = [pm, "eval", "ner", "-q", "--json", "--gold", os.path.join(data, dev), "--pred", pred]
            if fmt:
                ev += ["--gold-format", fmt]
            for m in maps:
                ev += ["--map", m]
            p, _ = run(ev)
            report = json.loads(p.stdout)
            with open(pred + ".eval.json", "w") as f:
                f.write(p.stdout)
            rows.append((name, label, report, seconds))

    lines = ["| corpus | lexicon | type | strict P | strict R | strict F1 | overlap F1 |",
             "|---|---|---|---:|---:|---:|---:|"]
    for name, label, report, _ in rows:
        strict = report["strict"]
        overlap = report["overlapping"]
        types = [t for t in strict["per_type"] if strict["per_type"][t]["tp"] + strict["per_type"][t]["fn"] > 0]
        for t in types + ["micro"]:
            s = strict["micro"] if t == "micro" else strict["per_type"][t]
            o = overlap["micro"] if t == "micro" else overlap["per_type"][t]
            lines.append(f"| {name} | {label} | {t} | {s['precision']:.3f} | {s['recall']:.3f} | "
                         f"**{s['f1']:.3f}** | {o['f1']:.3f} |")
    table = "\n".join(lines)
    print(table)
    with open(os.path.join(args.out, "ner_eval.md"), "w") as f:
        f.write(table + "\n")


if __name__ == "__main__":
    main()
