#!/usr/bin/env python3
"""Dictionary NER throughput: `pubminer annotate` against spaCy's PhraseMatcher, same
synonym list, same abstracts, same run.

1. Builds a corpus of >= 100,000 real abstracts in bench/out/ by replicating
   ../shared/data/throughput/abstracts_union.jsonl (7,672 PubMed titles + abstracts), with
   unique ids per copy. Never committed.
2. Exports the default lexicon's names (`pubminer lexicon export-names`): the synonym list
   both contenders match.
3. Times, each as its own process, interleaved, --runs times (median):
   - pubminer annotate -jN (N = 1, 2): read JSONL, split sentences, tokenise, match, check
     case rules and stop list, resolve overlaps, propagate abbreviations, attach concept ids,
     write PubTator;
   - spaCy 3 blank English pipeline + PhraseMatcher(attr="LOWER") over the same names (one
     pattern label per entity type): tokenise each abstract and collect matches. The matcher
     build (tokenising ~1.1M names) is timed apart, since pubminer's equivalent is the
     one-off `lexicon build`.
4. Reports abstracts/s, MB/s, CPU seconds, peak RSS, and the ratio to spaCy; lexicon load
   time (`pubminer lexicon info`). Markdown to stdout and bench/out/annotate_throughput.md.

Usage: cargo build --release && python3 bench/annotate_throughput.py [--runs 3]
Needs .venv with spaCy (bench/requirements.txt).
"""

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def build_corpus(data, out, target):
    src = os.path.join(data, "throughput/abstracts_union.jsonl")
    path = os.path.join(out, f"abstracts_{target}.jsonl")
    records = [json.loads(l) for l in open(src, encoding="utf-8") if l.strip()]
    copies = -(-target // len(records))
    if not os.path.exists(path):
        with open(path + ".partial", "w", encoding="utf-8") as f:
            for k in range(copies):
                for r in records:
                    r2 = dict(r)
                    r2["pmid"] = f"{r['pmid']}-{k}"
                    f.write(json.dumps(r2, ensure_ascii=False) + "\n")
        os.replace(path + ".partial", path)
    return path, copies * len(records)


def timed(cmd, env=None):
    """Runs cmd; returns (wall s, cpu s, peak RSS MB, stdout)."""
    started = time.time()
    gnu_time = os.path.exists("/usr/bin/time")
    full = (["/usr/bin/time", "-f", "RSS_KB=%M"] + cmd) if gnu_time else cmd
    p = subprocess.Popen(full, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    out, err = p.communicate()
    wall = time.time() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{err}")
    m = re.search(r"RSS_KB=(\d+)", err)
    rss = int(m.group(1)) / 1024 if m else usage.ru_maxrss / 1024
    return wall, rss, out, err


def cpu_of(fn):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = fn()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return result, cpu


def spacy_worker(names_path, corpus_path):
    import spacy
    from spacy.matcher import PhraseMatcher

    t0 = time.time()
    nlp = spacy.blank("en")
    matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    by_type = {}
    with open(names_path, encoding="utf-8") as f:
        for line in f:
            t, _, name = line.rstrip("\n").split("\t", 2)
            by_type.setdefault(t, []).append(name)
    for t, names in by_type.items():
        for i in range(0, len(names), 20000):
            matcher.add(t, list(nlp.tokenizer.pipe(names[i:i + 20000], batch_size=2000)))
    build = time.time() - t0
    texts = []
    with open(corpus_path, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            texts.append((r.get("title") or "") + " " + (r.get("abstract") or ""))
    t1 = time.time()
    matches = 0
    for doc in nlp.tokenizer.pipe(texts, batch_size=256):
        matches += len(matcher(doc))
    match = time.time() - t1
    print(json.dumps({"build_s": build, "match_s": match, "matches": matches, "docs": len(texts)}))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=os.environ.get("PUBMINER_DATA", os.path.join(ROOT, "../shared/data")))
    ap.add_argument("--pubminer", default=os.path.join(ROOT, "target/release/pubminer"))
    ap.add_argument("--python", default=os.path.join(ROOT, ".venv/bin/python"))
    ap.add_argument("--out", default=os.path.join(HERE, "out"))
    ap.add_argument("--abstracts", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--skip-spacy", action="store_true")
    ap.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        spacy_worker(*args.worker)
        return
    os.makedirs(args.out, exist_ok=True)
    data = os.path.abspath(args.data)
    pm = args.pubminer
    corpus, n_docs = build_corpus(data, args.out, args.abstracts)
    size_mb = os.path.getsize(corpus) / 1e6
    lexicon = os.path.join(args.out, "ner", "default.pmlex")
    if not os.path.exists(lexicon):
        os.makedirs(os.path.dirname(lexicon), exist_ok=True)
        subprocess.run([pm, "lexicon", "build", "-q", "--vocab", os.path.join(data, "vocab"), "-o", lexicon], check=True)
    names = os.path.join(args.out, "lexicon_names.tsv")
    subprocess.run([pm, "lexicon", "export-names", "-q", "--lexicon", lexicon, "-o", names], check=True)
    n_names = sum(1 for _ in open(names, encoding="utf-8"))

    info = subprocess.run([pm, "lexicon", "info", lexicon], capture_output=True, text=True, check=True).stdout
    load = re.search(r"loaded in ([0-9.]+)s", info).group(1)

    rows = {}
    for run in range(args.runs):
        for threads in (1, 2):
            out = os.path.join(args.out, f"annotate_j{threads}.pubtator")
            cmd = [pm, "annotate", "-q", f"-j{threads}", "--lexicon", lexicon, "--from", "jsonl",
                   corpus, "--to", "pubtator", "-o", out]
            (wall, rss, _, _), cpu = cpu_of(lambda: timed(cmd))
            rows.setdefault(f"pubminer annotate -j{threads}", []).append((wall, cpu, rss, None))
        if not args.skip_spacy:
            cmd = [args.python, os.path.abspath(__file__), "--worker", names, corpus]
            (wall, rss, out, _), cpu = cpu_of(lambda: timed(cmd))
            r = json.loads(out.strip().splitlines()[-1])
            rows.setdefault("spaCy PhraseMatcher (matching)", []).append((r["match_s"], None, rss, r))

    def med(v):
        return statistics.median(v)

    spacy_rate = None
    if "spaCy PhraseMatcher (matching)" in rows:
        spacy_rate = n_docs / med([r[0] for r in rows["spaCy PhraseMatcher (matching)"]])
    lines = [f"Corpus: {n_docs:,} abstracts ({size_mb:.1f} MB of JSONL), {n_names:,} names; "
             f"lexicon load {load}s; median of {args.runs} runs.", "",
             "| contender | wall s | abstracts/s | MB/s | CPU s | peak RSS MB | × spaCy |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for name, rs in rows.items():
        wall = med([r[0] for r in rs])
        cpu = med([r[1] for r in rs]) if rs[0][1] is not None else None
        rss = max(r[2] for r in rs)
        rate = n_docs / wall
        ratio = f"{rate / spacy_rate:.1f}×" if spacy_rate else "–"
        cpu_s = f"{cpu:.1f}" if cpu is not None else "–"
        lines.append(f"| {name} | {wall:.2f} | {rate:,.0f} | {size_mb / wall:.1f} | {cpu_s} | {rss:.0f} | {ratio} |")
    if "spaCy PhraseMatcher (matching)" in rows:
        r = rows["spaCy PhraseMatcher (matching)"][0][3]
        lines.append("")
        lines.append(f"spaCy matcher build (tokenising and adding {n_names:,} names): "
                     f"{med([x[3]['build_s'] for x in rows['spaCy PhraseMatcher (matching)']]):.1f}s; "
                     f"spaCy found {r['matches']:,} matches (overlapping, all types, no case rules).")
    table = "\n".join(lines)
    print(table)
    with open(os.path.join(args.out, "annotate_throughput.md"), "w") as f:
        f.write(table + "\n")


if __name__ == "__main__":
    main()
