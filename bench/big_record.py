#!/usr/bin/env python3
"""Time against the size of ONE record: `pubminer ihc run` and `pubminer annotate` on a single
JSONL record made of real PubMed abstracts joined (1, 2, 4 and 8 MB of abstract text), as a
full-text article or a badly split input looks. Linear in record size is the target (issue
17: 8 MB under 5 s on 2 cores); before the fix `ihc run` took 1.2 / 3.5 / 12.7 / 52.6 s.

The abstracts are those of ../shared/data/throughput/abstracts_union.jsonl in file order,
repeated when needed; the records are built in bench/out/big/ (git-ignored, never committed).
A single record is one task, so the second core does not help; wall time and peak RSS from
GNU time, the median of --runs.

Usage: cargo build --release && python3 bench/big_record.py [--runs 3] [--lexicon FILE] [--binary OLD]
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


def build(texts, mb, path):
    if os.path.exists(path):
        return
    parts, n, i = [], 0, 0
    while n < mb * 1024 * 1024:
        t = texts[i % len(texts)]
        parts.append(t)
        n += len(t) + 1
        i += 1
    with open(path + ".partial", "w", encoding="utf-8") as f:
        f.write(json.dumps({"pmid": "1", "title": "Joined abstracts", "abstract": " ".join(parts)}) + "\n")
    os.replace(path + ".partial", path)


def timed(cmd):
    started = time.time()
    p = subprocess.run(["/usr/bin/time", "-f", "RSS_KB=%M"] + cmd, capture_output=True, text=True)
    wall = time.time() - started
    if p.returncode not in (0, 3):
        sys.exit(f"failed: {' '.join(cmd)}\n{p.stderr}")
    return wall, int(re.search(r"RSS_KB=(\d+)", p.stderr).group(1)) / 1024


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=os.environ.get("PUBMINER_DATA", os.path.join(ROOT, "..", "shared", "data")))
    ap.add_argument("--out", default=os.path.join(HERE, "out"))
    ap.add_argument("--lexicon", default=None, help="default: the pubminer default lexicon")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--sizes", default="1,2,4,8")
    ap.add_argument("--binary", default=os.path.join(ROOT, "target", "release", "pubminer"),
                    help="the pubminer to time (an older build, to compare)")
    args = ap.parse_args()
    pm = args.binary
    src = os.path.join(args.data, "throughput", "abstracts_union.jsonl")
    if not os.path.exists(src):
        sys.exit(f"{src} is absent: pass --data")
    texts = [r["abstract"] for r in map(json.loads, open(src, encoding="utf-8")) if r.get("abstract")]
    out = os.path.join(args.out, "big")
    os.makedirs(out, exist_ok=True)
    lex = ["--lexicon", args.lexicon] if args.lexicon else []
    print("| MB | command | wall s (median) | peak RSS MB |")
    print("|---:|---|---:|---:|")
    for mb in [int(s) for s in args.sizes.split(",")]:
        path = os.path.join(out, f"record_{mb}mb.jsonl")
        build(texts, mb, path)
        for name, cmd in [
            ("ihc run", [pm, "-q", "ihc", "run", path, "--kb", os.path.join(out, "kb.sqlite"), "-o", os.path.join(out, "ihc.jsonl")] + lex),
            ("annotate", [pm, "-q", "annotate", path, "--to", "jsonl", "-o", os.path.join(out, "ann.jsonl")] + lex),
        ]:
            walls, rss = [], []
            for _ in range(args.runs):
                for suffix in ["", "-wal", "-shm"]:
                    kb = os.path.join(out, "kb.sqlite") + suffix
                    if os.path.exists(kb):
                        os.remove(kb)
                w, r = timed(cmd)
                walls.append(w)
                rss.append(r)
            print(f"| {mb} | {name} | {statistics.median(walls):.2f} | {max(rss):.0f} |", flush=True)


if __name__ == "__main__":
    main()
