#!/usr/bin/env python3
"""Throughput of the whole `pubminer ihc run` (read, language check, tag, extract, classify,
write JSONL, commit to the SQLite knowledge base) on >= 100,000 real abstracts.

Two corpora, built in bench/out/ihc/ (git-ignored, never committed) from
../shared/data/throughput/abstracts_union.jsonl (7,672 PubMed titles + abstracts):

- `union`: the whole file replicated to >= 100,000 records (unique PMIDs per copy). This
  is what a PubMed baseline file looks like: most abstracts never mention
  immunohistochemistry and take the engine's fast path.
- `ihc-dense`: only the abstracts that mention immunohistochemistry (the cue words the
  engine looks for), replicated to >= 100,000: the worst case, every abstract fully tagged
  and extracted, as with an IHC-LLMiner marker query.

Each run is its own process with a fresh knowledge base, -jN for N in --threads, --runs
times (median wall time); peak RSS from GNU time. Both engines run in the same session, one
run of each alternating: the default (the trained model over the rules' candidates) and
`--engine rules` (the rules alone), so their ratio is measured under the same load.
IHC-LLMiner itself (a fine-tuned Gemma-2 on a GPU) cannot run here, so there is no peer in
the same run; see docs/BENCHMARKS.md.

Usage: cargo build --release && python3 bench/ihc_throughput.py [--runs 3] [--lexicon FILE]
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CUES = ["immunohisto", "immunostain", "immunoreactiv", "ihc", "immunoexpression", "immunolabel"]


def build(src_records, path, target):
    copies = -(-target // len(src_records))
    if not os.path.exists(path):
        with open(path + ".partial", "w", encoding="utf-8") as f:
            for k in range(copies):
                for r in src_records:
                    r2 = dict(r)
                    r2["pmid"] = f"{r['pmid']}{k:03d}"
                    f.write(json.dumps(r2, ensure_ascii=False) + "\n")
        os.replace(path + ".partial", path)
    return copies * len(src_records)


def timed(cmd):
    started = time.time()
    p = subprocess.run(["/usr/bin/time", "-f", "RSS_KB=%M"] + cmd, capture_output=True, text=True)
    wall = time.time() - started
    if p.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{p.stderr}")
    rss = int(re.search(r"RSS_KB=(\d+)", p.stderr).group(1)) / 1024
    return wall, rss, p.stderr


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=os.environ.get("PUBMINER_DATA", os.path.join(ROOT, "..", "shared", "data")))
    ap.add_argument("--out", default=os.path.join(HERE, "out"))
    ap.add_argument("--lexicon", default=None, help="default: bench/out/link/default.pmlex, built if absent")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--target", type=int, default=100_000)
    ap.add_argument("--engines", default="default,rules")
    args = ap.parse_args()

    pm = os.path.join(ROOT, "target", "release", "pubminer")
    src = os.path.join(args.data, "throughput", "abstracts_union.jsonl")
    if not os.path.exists(src):
        sys.exit(f"{src} is absent: pass --data")
    out = os.path.join(args.out, "ihc")
    os.makedirs(out, exist_ok=True)
    lexicon = args.lexicon or os.path.join(args.out, "link", "default.pmlex")
    if not os.path.exists(lexicon):
        os.makedirs(os.path.dirname(lexicon), exist_ok=True)
        subprocess.run([pm, "lexicon", "build", "-q", "--vocab", os.path.join(args.data, "vocab"), "-o", lexicon], check=True)

    records = [json.loads(l) for l in open(src, encoding="utf-8") if l.strip()]
    dense = [r for r in records if any(c in (r.get("title", "") + " " + r.get("abstract", "")).lower() for c in CUES)]
    corpora = [
        ("union", build(records, os.path.join(out, f"union_{args.target}.jsonl"), args.target), f"union_{args.target}.jsonl"),
        ("ihc-dense", build(dense, os.path.join(out, f"dense_{args.target}.jsonl"), args.target), f"dense_{args.target}.jsonl"),
    ]
    engines = args.engines.split(",")
    rows = []
    for name, n, file in corpora:
        path = os.path.join(out, file)
        size_mb = os.path.getsize(path) / 1e6
        for j in [int(t) for t in args.threads.split(",")]:
            walls = {e: [] for e in engines}
            rsss = {e: [] for e in engines}
            summary = {e: "" for e in engines}
            for _ in range(args.runs):
                for engine in engines:
                    kb = os.path.join(out, "bench.sqlite")
                    for suffix in ["", "-wal", "-shm"]:
                        if os.path.exists(kb + suffix):
                            os.remove(kb + suffix)
                    wall, rss, err = timed([pm, "ihc", "run", path, "--kb", kb, "-o", os.path.join(out, "bench.out.jsonl"),
                                            "--lexicon", lexicon, f"-j{j}", "--engine", engine])
                    walls[engine].append(wall)
                    rsss[engine].append(rss)
                    summary[engine] = next((l for l in err.splitlines() if " include, " in l), "")
            for engine in engines:
                wall = statistics.median(walls[engine])
                rows.append((name, n, size_mb, j, engine, wall, n / wall, max(rsss[engine]), summary[engine]))
    lines = [
        "| corpus | abstracts | MB | -j | engine | median wall s | abstracts/s | peak RSS MB | outcome |",
        "|---|---:|---:|---:|---|---:|---:|---:|---|",
    ]
    for name, n, mb, j, engine, wall, rate, rss, summary in rows:
        lines.append(f"| {name} | {n:,} | {mb:.0f} | {j} | {engine} | {wall:.2f} | {rate:,.0f} | {rss:.0f} | {summary} |")
    text = "\n".join(lines) + f"\n\nsources: {len(records):,} records, {len(dense):,} with an IHC cue; lexicon {lexicon}; runs {args.runs}\n"
    print(text)
    with open(os.path.join(args.out, "ihc_throughput.md"), "w", encoding="utf-8") as f:
        f.write(text)


if __name__ == "__main__":
    main()
