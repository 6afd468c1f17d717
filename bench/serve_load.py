#!/usr/bin/env python3
"""Bounded load test of `pubminer serve` on loopback with wrk.

1. Builds a knowledge base of >= 100,000 profiles with the real pipeline: `pubminer ihc run`
   over the abstracts of ../shared/data/throughput/abstracts_union.jsonl that mention
   immunohistochemistry, replicated with unique PMIDs (bench/out/ihc/dense_N.jsonl, the
   corpus of bench/ihc_throughput.py; never committed). Replicas make each landscape cell
   hold hundreds of studies, so evidence pages are as large as they get.
2. Starts `pubminer serve --addr 127.0.0.1:0` on it.
3. Runs `wrk --latency -t1 -c16 -d{duration}s` against: the landscape (first page of 500
   rows), the landscape filtered by one marker, the evidence of the largest cell (first page
   of 200 studies), and search. Reports requests/s, p50/p99 latency, non-2xx responses and
   socket errors, and the server's RSS before and after each run.

Usage: cargo build --release && python3 bench/serve_load.py [--duration 10]
Needs wrk (Debian: apt-get install wrk).
"""

import argparse
import json
import os
import re
import subprocess
import sys
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from ihc_throughput import CUES, build  # noqa: E402


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def wrk(url, duration):
    p = subprocess.run(["wrk", "--latency", "-t1", "-c16", f"-d{duration}s", url], capture_output=True, text=True, check=True)
    out = p.stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))

    def lat(pct):
        m = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        v, unit = float(m.group(1)), m.group(2)
        return v / 1000 if unit == "us" else v * 1000 if unit == "s" else v

    non2xx = int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", out)) else 0
    sock = m.group(0) if (m := re.search(r"Socket errors:.*", out)) else "none"
    return rps, total, lat(50), lat(99), non2xx, sock


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=os.environ.get("PUBMINER_DATA", os.path.join(ROOT, "..", "shared", "data")))
    ap.add_argument("--out", default=os.path.join(HERE, "out"))
    ap.add_argument("--lexicon", default=None, help="default: bench/out/link/default.pmlex")
    ap.add_argument("--target", type=int, default=200_000, help="abstracts to run (about half become profiles)")
    ap.add_argument("--duration", type=int, default=10)
    args = ap.parse_args()
    pm = os.path.join(ROOT, "target", "release", "pubminer")
    lexicon = args.lexicon or os.path.join(args.out, "link", "default.pmlex")
    out = os.path.join(args.out, "serve")
    os.makedirs(out, exist_ok=True)
    kb = os.path.join(out, f"kb_{args.target}.sqlite")
    if not os.path.exists(kb):
        src = os.path.join(args.data, "throughput", "abstracts_union.jsonl")
        records = [json.loads(l) for l in open(src, encoding="utf-8") if l.strip()]
        dense = [r for r in records if any(c in (r.get("title", "") + " " + r.get("abstract", "")).lower() for c in CUES)]
        corpus = os.path.join(args.out, "ihc", f"dense_{args.target}.jsonl")
        os.makedirs(os.path.dirname(corpus), exist_ok=True)
        build(dense, corpus, args.target)
        subprocess.run([pm, "ihc", "run", "-q", corpus, "--kb", kb + ".partial", "--lexicon", lexicon], check=True)
        os.replace(kb + ".partial", kb)
    server = subprocess.Popen([pm, "serve", "--kb", kb, "--addr", "127.0.0.1:0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = server.stdout.readline()
        base = line.strip().removeprefix("listening on ").rstrip("/")
        load_note = server.stderr.readline().strip()
        get = lambda path: json.load(urllib.request.urlopen(base + path))
        top = get("/api/landscape?sort=studies&order=desc&limit=1")
        cell = top["rows"][0]
        profiles = get(f"/api/evidence?marker={urllib.parse.quote(cell['marker'])}&tumour={urllib.parse.quote(cell['tumour'])}&limit=1")["total"]
        targets = [
            ("landscape, first page (500 rows)", "/api/landscape"),
            (f"landscape, marker={cell['marker']}", f"/api/landscape?marker={urllib.parse.quote(cell['marker'])}"),
            (f"evidence of the largest cell ({profiles:,} profiles), first 200", f"/api/evidence?marker={urllib.parse.quote(cell['marker'])}&tumour={urllib.parse.quote(cell['tumour'])}"),
            ("search q=ca", "/api/search?q=ca"),
        ]
        import sqlite3
        con = sqlite3.connect(f"file:{kb}?mode=ro", uri=True)
        n_profiles = con.execute("SELECT count(*) FROM profiles").fetchone()[0]
        n_docs = con.execute("SELECT count(*) FROM documents").fetchone()[0]
        con.close()
        rows = []
        for name, path in targets:
            before = rss_mb(server.pid)
            rps, total, p50, p99, non2xx, sock = wrk(base + path, args.duration)
            after = rss_mb(server.pid)
            rows.append(f"| {name} | {total:,} | {rps:,.0f} | {p50:.2f} | {p99:.2f} | {non2xx} | {sock} | {before:.0f} → {after:.0f} |")
        text = (
            f"KB: {n_docs:,} documents, {n_profiles:,} profiles, {top['total']:,} landscape rows ({kb}); {load_note}\n\n"
            "| endpoint | requests | requests/s | p50 ms | p99 ms | non-2xx | socket errors | server RSS MB before → after |\n"
            "|---|---:|---:|---:|---:|---:|---|---|\n" + "\n".join(rows) + "\n"
        )
        print(text)
        with open(os.path.join(args.out, "serve_load.md"), "w", encoding="utf-8") as f:
            f.write(text)
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    import urllib.parse  # noqa: F401
    main()
