#!/usr/bin/env python3
"""PubMed XML parse throughput: pubminer vs pubmed_parser vs lxml.etree.iterparse.

Builds a synthetic-but-real corpus at run time (every <PubmedArticle> record found in
the shared data directory, replicated into one <PubmedArticleSet> file of --size-mb
uncompressed, plus a gzip -6 copy), then times every contender on the same files in the
same run, each in its own process, and prints a Markdown table of wall time, throughput,
CPU time, peak RSS and ratios. The table is also written to bench/out/pubmed_parse.md.

The driver needs only the Python 3.11 standard library. The Python contenders run in a
subprocess of --python (default .venv/bin/python, which must have pubmed_parser and lxml;
see bench/requirements.txt) by re-invoking this file in "--worker" mode, so each timing
is a wall-clock time including interpreter start-up, like the pubminer runs.

Per-process CPU time comes from os.wait4() (the child's own rusage); peak RSS from GNU
time's %M (/usr/bin/time), falling back to wait4() when it is missing.
"""

from __future__ import annotations

import sys

# --------------------------------------------------------------------------------------
# Worker mode: runs under the venv python, imports only what the contender needs.
# --------------------------------------------------------------------------------------


def _worker_pubmed_parser(path: str) -> dict:
    import pubmed_parser as pp

    articles = 0
    deletions = 0
    for res in pp.parse_medline_xml(path):
        if res.get("delete"):
            deletions += 1
        else:
            articles += 1
    return {"articles": articles, "deletions": deletions}


def _worker_lxml(path: str) -> dict:
    import gzip

    from lxml import etree

    # Same input handling as pubmed_parser for .gz (Python's gzip module), plain file
    # otherwise. load_dtd/no_network stay at lxml's defaults (DTD not fetched).
    source = gzip.open(path, "rb") if path.endswith(".gz") else open(path, "rb")
    articles = 0
    title_chars = 0
    abstract_chars = 0
    mesh_terms = 0
    pub_types = 0
    pmid_sum = 0
    with source:
        for _event, elem in etree.iterparse(source, events=("end",), tag="PubmedArticle"):
            citation = elem.find("MedlineCitation")
            pmid = citation.findtext("PMID")
            article = citation.find("Article")
            title_el = article.find("ArticleTitle")
            title = "".join(title_el.itertext()) if title_el is not None else ""
            abstract = [
                "".join(a.itertext()) for a in article.iterfind("Abstract/AbstractText")
            ]
            mesh = [
                d.text for d in citation.iterfind("MeshHeadingList/MeshHeading/DescriptorName")
            ]
            types = [p.text for p in article.iterfind("PublicationTypeList/PublicationType")]
            articles += 1
            pmid_sum += int(pmid) if pmid else 0
            title_chars += len(title)
            abstract_chars += sum(len(a) for a in abstract)
            mesh_terms += len(mesh)
            pub_types += len(types)
            # The standard fast pattern: free the element and the already-seen siblings.
            elem.clear(keep_tail=True)
            while elem.getprevious() is not None:
                del elem.getparent()[0]
    return {
        "articles": articles,
        "pmid_sum": pmid_sum,
        "title_chars": title_chars,
        "abstract_chars": abstract_chars,
        "mesh_terms": mesh_terms,
        "publication_types": pub_types,
    }


def _worker_main(argv: list[str]) -> None:
    import json

    kind, path = argv
    result = {"pubmed_parser": _worker_pubmed_parser, "lxml": _worker_lxml}[kind](path)
    print(json.dumps(result))


# --------------------------------------------------------------------------------------
# Driver.
# --------------------------------------------------------------------------------------

MB = 1_000_000  # throughput is reported in decimal megabytes of *uncompressed* XML

XML_HEADER = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2025//EN" '
    b'"https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n'
    b"<PubmedArticleSet>\n"
)
XML_FOOTER = b"</PubmedArticleSet>\n"
CORPUS_FORMAT_VERSION = 1


def _repo_root():
    from pathlib import Path

    return Path(__file__).resolve().parent.parent


def _default_data_dir():
    import os
    from pathlib import Path

    env = os.environ.get("PUBMINER_DATA")
    if env:
        return Path(env)
    return _repo_root().parent / "shared" / "data"


def _source_files(data_dir):
    pubmed = data_dir / "pubmed"
    files = sorted((pubmed / "curated").glob("*.xml.gz"))
    files += sorted((pubmed / "metapub+metapub" / "tests" / "fixtures" / "pmid_xml").glob("*.xml"))
    return files


def _extract_records(files) -> list[bytes]:
    import gzip
    import re

    pattern = re.compile(rb"<PubmedArticle(?:\s[^>]*)?>.*?</PubmedArticle>", re.S)
    records = []
    for f in files:
        data = gzip.open(f, "rb").read() if f.name.endswith(".gz") else f.read_bytes()
        records.extend(m.group(0) for m in pattern.finditer(data))
    return records


def build_corpus(data_dir, out_dir, size_mb: int, rebuild: bool) -> dict:
    """Writes (or reuses) bench/out/pubmed_corpus_<size>MB.xml and .xml.gz."""
    import gzip
    import hashlib
    import json
    import shutil

    files = _source_files(data_dir)
    if not files:
        sys.exit(f"error: no PubMed input under {data_dir}/pubmed (set PUBMINER_DATA?)")
    fingerprint = hashlib.sha256()
    for f in files:
        st = f.stat()
        fingerprint.update(f"{f.relative_to(data_dir)}:{st.st_size}\n".encode())
    stem = out_dir / f"pubmed_corpus_{size_mb}MB"
    xml_path = stem.with_suffix(".xml")
    gz_path = stem.with_suffix(".xml.gz")
    meta_path = stem.with_suffix(".json")
    want = {
        "version": CORPUS_FORMAT_VERSION,
        "size_mb": size_mb,
        "sources": len(files),
        "fingerprint": fingerprint.hexdigest(),
    }
    if not rebuild and meta_path.exists() and xml_path.exists() and gz_path.exists():
        meta = json.loads(meta_path.read_text())
        if all(meta.get(k) == v for k, v in want.items()) and xml_path.stat().st_size == meta["xml_bytes"]:
            print(f"reusing corpus {xml_path} ({meta['articles']} articles)", file=sys.stderr)
            return {**meta, "xml": xml_path, "gz": gz_path}

    records = _extract_records(files)
    if not records:
        sys.exit("error: no <PubmedArticle> records found in the source files")
    unique_bytes = sum(len(r) + 1 for r in records)
    target = size_mb * MB
    print(
        f"building corpus: {len(records)} records ({unique_bytes / MB:.1f} MB) from "
        f"{len(files)} files, replicated to ~{size_mb} MB ...",
        file=sys.stderr,
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    written = len(XML_HEADER) + len(XML_FOOTER)
    articles = 0
    tmp_xml = xml_path.with_suffix(".xml.tmp")
    with open(tmp_xml, "wb") as out:
        out.write(XML_HEADER)
        while written < target:
            for r in records:
                out.write(r)
                out.write(b"\n")
                written += len(r) + 1
                articles += 1
                if written >= target:
                    break
        out.write(XML_FOOTER)
    tmp_gz = gz_path.with_suffix(".gz.tmp")
    with open(tmp_xml, "rb") as src, open(tmp_gz, "wb") as raw:
        # mtime=0 and no file name: the .gz is byte-for-byte reproducible.
        with gzip.GzipFile(filename="", mode="wb", compresslevel=6, fileobj=raw, mtime=0) as gz:
            shutil.copyfileobj(src, gz, 1 << 20)
    tmp_xml.replace(xml_path)
    tmp_gz.replace(gz_path)
    meta = {
        **want,
        "articles": articles,
        "unique_records": len(records),
        "xml_bytes": xml_path.stat().st_size,
        "gz_bytes": gz_path.stat().st_size,
    }
    meta_path.write_text(json.dumps(meta, indent=2) + "\n")
    return {**meta, "xml": xml_path, "gz": gz_path}


GNU_TIME = "/usr/bin/time"


def _have_gnu_time() -> bool:
    import os
    import subprocess

    if not os.access(GNU_TIME, os.X_OK):
        return False
    probe = subprocess.run([GNU_TIME, "-f", "%M", "true"], capture_output=True, text=True)
    return probe.returncode == 0 and probe.stderr.strip().isdigit()


def run_once(cmd: list[str], use_gnu_time: bool) -> dict:
    """Runs cmd, returning wall/CPU seconds, peak RSS and its parsed JSON stdout.

    CPU time comes from os.wait4() (it includes reaped grandchildren, so it is right with
    or without the /usr/bin/time wrapper). Peak RSS comes from GNU time's %M when
    available: the maxrss that wait4() reports for a direct child of this driver is
    floored at the *driver's* own peak RSS (Linux carries the parent's high-water mark
    over a vfork+exec), which would overstate small processes.
    """
    import json
    import os
    import subprocess
    import tempfile
    import time

    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile(mode="r", suffix=".time") as rss_file:
        full = [GNU_TIME, "-f", "%M", "-o", rss_file.name, *cmd] if use_gnu_time else cmd
        start = time.perf_counter()
        proc = subprocess.Popen(full, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
        rss_kib = usage.ru_maxrss  # KiB on Linux
        if use_gnu_time:
            lines = rss_file.read().split()
            if lines and lines[-1].isdigit():
                rss_kib = int(lines[-1])
    if proc.returncode != 0:
        sys.exit(f"error: {' '.join(cmd)} exited with {proc.returncode}\n{stderr[-4000:]}")
    try:
        result = json.loads(stdout)
    except json.JSONDecodeError:
        sys.exit(f"error: {' '.join(cmd)} printed no JSON:\n{stdout[-2000:]}\n{stderr[-2000:]}")
    return {
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "maxrss_mb": rss_kib * 1024 / MB,
        "result": result,
    }


def _version(cmd: list[str]) -> str:
    import subprocess

    try:
        return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError) as e:
        return f"unknown ({e})"


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    import platform

    return platform.processor() or "unknown"


def main() -> None:
    import argparse
    import os
    import statistics
    from pathlib import Path

    root = _repo_root()
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size-mb", type=int, default=200, help="uncompressed corpus size (default 200)")
    ap.add_argument("--runs", type=int, default=3, help="runs per contender; the median wall time is reported (default 3)")
    ap.add_argument("--python", default=str(root / ".venv" / "bin" / "python"), help="python with pubmed_parser and lxml (default .venv/bin/python)")
    ap.add_argument("--pubminer", default=str(root / "target" / "release" / "pubminer"), help="pubminer binary (default target/release/pubminer)")
    ap.add_argument("--data", type=Path, default=_default_data_dir(), help="shared data dir (default $PUBMINER_DATA or ../shared/data)")
    ap.add_argument("--out", type=Path, default=root / "bench" / "out", help="corpus and report directory (default bench/out)")
    ap.add_argument("--rebuild", action="store_true", help="rebuild the corpus even if a matching one exists")
    ap.add_argument("--corpus-only", action="store_true", help="build (or check) the corpus and exit")
    ap.add_argument("--only", default="", help="comma-separated substrings: run only contenders whose label matches")
    args = ap.parse_args()

    for exe in (args.python, args.pubminer):
        if not os.access(exe, os.X_OK):
            sys.exit(f"error: {exe} is not executable (see bench/README.md)")
    if args.runs < 1 or args.size_mb < 1:
        sys.exit("error: --runs and --size-mb must be positive")

    corpus = build_corpus(args.data.resolve(), args.out.resolve(), args.size_mb, args.rebuild)
    xml, gz = str(corpus["xml"]), str(corpus["gz"])
    if args.corpus_only:
        print(f"{xml}\n{gz}")
        return
    xml_mb = corpus["xml_bytes"] / MB
    expected = corpus["articles"]
    me = str(Path(__file__).resolve())

    def pubminer(threads: int, path: str) -> list[str]:
        return [args.pubminer, "stats", "--from", "pubmed", "-q", "--json", f"-j{threads}", path]

    def py(kind: str, path: str) -> list[str]:
        return [args.python, me, "--worker", kind, path]

    # (label, input kind, command, how to count articles in its JSON)
    contenders = [
        ("pubminer -j1", "xml.gz", pubminer(1, gz), "documents"),
        ("pubminer -j2", "xml.gz", pubminer(2, gz), "documents"),
        ("pubminer -j1", "xml", pubminer(1, xml), "documents"),
        ("pubminer -j2", "xml", pubminer(2, xml), "documents"),
        ("pubmed_parser", "xml.gz", py("pubmed_parser", gz), "articles"),
        ("lxml iterparse", "xml.gz", py("lxml", gz), "articles"),
        ("lxml iterparse", "xml", py("lxml", xml), "articles"),
    ]
    if args.only:
        wanted = [w.strip() for w in args.only.split(",") if w.strip()]
        contenders = [c for c in contenders if any(w in f"{c[0]} {c[1]}" for w in wanted)]

    # Warm the page cache so no contender pays for the first read from disk.
    for path in (xml, gz):
        with open(path, "rb") as f:
            while f.read(1 << 20):
                pass
    use_gnu_time = _have_gnu_time()
    if not use_gnu_time:
        print(
            f"warning: {GNU_TIME} (GNU time) not found; peak RSS falls back to wait4(), "
            "which is floored at this driver's own peak RSS",
            file=sys.stderr,
        )

    print(
        f"corpus: {xml_mb:.1f} MB xml, {corpus['gz_bytes'] / MB:.1f} MB gz, {expected} articles "
        f"({corpus['unique_records']} distinct records); {args.runs} runs each",
        file=sys.stderr,
    )
    load_before = os.getloadavg()
    samples: dict[int, list[dict]] = {i: [] for i in range(len(contenders))}
    # Interleave the runs so slow drift (thermal, neighbours) hits every contender alike.
    for run in range(args.runs):
        for i, (label, kind, cmd, key) in enumerate(contenders):
            s = run_once(cmd, use_gnu_time)
            count = s["result"].get(key)
            s["count"] = count
            samples[i].append(s)
            print(
                f"  run {run + 1}/{args.runs}  {label:<15} {kind:<6}  {s['wall']:8.2f} s  "
                f"cpu {s['cpu']:8.2f} s  rss {s['maxrss_mb']:7.1f} MB  articles {count}",
                file=sys.stderr,
            )
            if count != expected:
                sys.exit(
                    f"error: ARTICLE COUNT MISMATCH: {label} on {kind} saw {count} articles, "
                    f"the corpus has {expected}\n{s['result']}"
                )

    rows = []
    for i, (label, kind, _cmd, _key) in enumerate(contenders):
        ss = samples[i]
        wall = statistics.median(s["wall"] for s in ss)
        cpu = statistics.median(s["cpu"] for s in ss)
        rows.append({
            "label": label,
            "kind": kind,
            "wall": wall,
            "cpu": cpu,
            "rss": max(s["maxrss_mb"] for s in ss),
            "count": ss[0]["count"],
            "walls": [s["wall"] for s in ss],
        })
    load_after = os.getloadavg()
    counts = {r["count"] for r in rows}
    if len(counts) != 1:
        sys.exit(f"error: ARTICLE COUNT MISMATCH between contenders: {counts}")

    def find(label: str, kind: str):
        return next((r for r in rows if r["label"] == label and r["kind"] == kind), None)

    base_pp = find("pubmed_parser", "xml.gz")

    def ratio(base, r) -> str:
        return f"{base['wall'] / r['wall']:.2f}×" if base else "n/a"

    header = (
        "| contender | input | wall s (median) | MB/s | articles/s | CPU s (user+sys) "
        "| MB/s per core | peak RSS MB | × vs pubmed_parser | × vs lxml (same input) |"
    )
    lines = [header, "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(
            f"| {r['label']} | {r['kind']} | {r['wall']:.2f} | {xml_mb / r['wall']:.1f} "
            f"| {r['count'] / r['wall']:,.0f} | {r['cpu']:.2f} | {xml_mb / r['cpu']:.1f} "
            f"| {r['rss']:.0f} | {ratio(base_pp, r)} | {ratio(find('lxml iterparse', r['kind']), r)} |"
        )
    table = "\n".join(lines)

    pp_version = _version([args.python, "-c", "import importlib.metadata as m; print(m.version('pubmed_parser'))"])
    lxml_version = _version([args.python, "-c", "import lxml.etree as e; print(e.__version__, 'libxml2', '.'.join(map(str, e.LIBXML_VERSION)))"])
    py_version = _version([args.python, "-c", "import sys; print(sys.version.split()[0])"])
    pm_version = _version([args.pubminer, "--version"])
    notes = [
        f"- corpus: `{Path(xml).name}` {xml_mb:.1f} MB uncompressed / `{Path(gz).name}` "
        f"{corpus['gz_bytes'] / MB:.1f} MB (gzip -6); {expected} PubmedArticle records "
        f"({corpus['unique_records']} distinct, replicated) from {corpus['sources']} files under `{args.data}`",
        f"- machine: {_cpu_model()}, {os.cpu_count()} logical CPUs; {args.runs} runs per contender "
        "(interleaved), median wall time, max peak RSS, median CPU time; peak RSS from "
        + ("GNU time %M" if use_gnu_time else "wait4() (upper bound: floored at the driver's RSS)"),
        f"- 1-min load average before/after the runs: {load_before[0]:.2f} / {load_after[0]:.2f} "
        "(anything else running on the machine inflates wall times, multi-threaded rows most)",
        f"- versions: {pm_version}; Python {py_version}; pubmed_parser {pp_version}; lxml {lxml_version}",
        "- MB = 10^6 bytes of *uncompressed* XML for every row (gz rows too); "
        "MB/s per core = MB / (user+sys CPU s); × = contender speed / baseline speed (wall)",
        "- pubminer: `pubminer stats --from pubmed -q --json -jN FILE` (full Documents; N parse "
        "workers plus one splitter thread that reads, gunzips and splits, so even -j1 uses "
        "more than one core: CPU s > wall s). Python rows include interpreter start-up; "
        "pubmed_parser = `parse_medline_xml(FILE.xml.gz)` with default options, fully consumed; "
        "lxml = `iterparse(tag='PubmedArticle')` extracting PMID, title, abstract texts, MeSH "
        "descriptors and publication types, clearing elements (gz via Python's gzip module).",
    ]
    walls = "\n".join(
        f"- {r['label']} {r['kind']}: " + ", ".join(f"{w:.2f}" for w in r["walls"]) for r in rows
    )
    report = (
        "# PubMed XML parse throughput\n\n" + table + "\n\n" + "\n".join(notes)
        + "\n\nAll wall times (s):\n\n" + walls + "\n"
    )
    print(report)
    out_md = args.out.resolve() / "pubmed_parse.md"
    out_md.parent.mkdir(parents=True, exist_ok=True)
    out_md.write_text(report)
    print(f"wrote {out_md}", file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        _worker_main(sys.argv[2:])
    else:
        main()
