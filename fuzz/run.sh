#!/usr/bin/env bash
# Builds one fuzz target with the stable toolchain and runs it under libFuzzer.
#
#   fuzz/run.sh TARGET [EXECS] [LIBFUZZER_ARGS...]   fuzz for EXECS executions (default 10000)
#   fuzz/run.sh TARGET FILE...                        replay inputs (a crash, a corpus file)
#   fuzz/run.sh --build                               build every target, run nothing
#   fuzz/run.sh --list                                the targets
#
# No nightly and no cargo-fuzz: libfuzzer-sys compiles libFuzzer with the system C++
# compiler, and the coverage instrumentation libFuzzer needs (SanitizerCoverage: 8-bit edge
# counters, PC table, comparison tracing) comes from stable codegen flags. Sanitizers (ASan)
# are nightly-only and left out; the code under test is safe Rust, whose panics, overflow
# checks and debug assertions are what a crash is here.
#
# Corpus: fuzz/corpus/TARGET/ (git-ignored), seeded by seeds.sh and the write_seeds binary
# (constructed inputs only). With FUZZ_SHARED=1 (the default when ../shared/data exists)
# the first 16 KiB of matching files under ../shared/data are added at run time as a
# second, read-only corpus directory (fuzz/corpus/.shared/TARGET/, rebuilt each run).
# FUZZ_SHARED=0 leaves them out (CI does, for a fixed budget on constructed seeds).
# Crashes go to fuzz/artifacts/TARGET/, the log to fuzz/logs/TARGET.log; a summary line is
# printed at the end. The exit status is libFuzzer's (0: nothing found).
#
# Environment: FUZZ_NICE (default 19), FUZZ_SHARED, FUZZ_NO_BUILD=1 (reuse the binaries).
set -euo pipefail

fuzz_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_dir="$(dirname "$fuzz_dir")"
cd "$fuzz_dir"

# Stable codegen flags only (the set cargo-fuzz uses with `--sanitizer none`).
export RUSTFLAGS="-Cpasses=sancov-module \
 -Cllvm-args=-sanitizer-coverage-level=4 \
 -Cllvm-args=-sanitizer-coverage-inline-8bit-counters \
 -Cllvm-args=-sanitizer-coverage-pc-table \
 -Cllvm-args=-sanitizer-coverage-trace-compares \
 --cfg fuzzing -Cdebug-assertions -Coverflow-checks"
# An explicit --target keeps these flags off build scripts and proc macros.
host="$(rustc -vV | sed -n 's/^host: //p')"
bin_dir="$fuzz_dir/target/$host/release"
nice_level="${FUZZ_NICE:-19}"

targets() { sed -n '/^\[\[bin\]\]/,/^$/s/^name = "\(.*\)"/\1/p' Cargo.toml | grep -v '^write_seeds$'; }

build() {
    if [[ "${FUZZ_NO_BUILD:-0}" == 1 ]]; then return 0; fi
    local bins=()
    for t in "$@"; do bins+=(--bin "$t"); done
    nice -n "$nice_level" cargo build --release --locked --target "$host" "${bins[@]}" --bin write_seeds
}

# shared_seeds TARGET DIR: the first 16 KiB of each matching ../shared file, by format.
shared_seeds() {
    local target="$1" out="$2" data="$repo_dir/../shared/data" pattern
    rm -rf "$out"
    mkdir -p "$out"
    [[ -d "$data" ]] || return 0
    case "$target" in
        read_pubmed) pattern='pubmed/.*\.xml(\.gz)?$' ;;
        read_pubtator | round_trip)
            pattern='(\.pubtator|pubtator[^/]*\.txt|Normalization\.txt|_corpus\.txt)$' ;;
        read_repair) # PubTator (selector byte 0) and BioC XML (selector byte 1)
            pattern='(\.pubtator|pubtator[^/]*\.txt|bioc[^/]*\.xml)$' ;;
        read_bioc_xml) pattern='(bioc[^/]*\.xml|everything\.xml)$' ;;
        read_bioc_json) pattern='(bioc[^/]*\.json|everything\.json|/pubtator/[^/]*\.json)$' ;;
        read_jsonl) pattern='\.jsonl$' ;;
        read_iob) pattern='(/iob/.*|/conll/[^/]*)\.tsv$' ;;
        *) return 0 ;;
    esac
    local n=0 f name start
    while IFS= read -r f; do
        if [[ "$target" == read_pubmed ]]; then
            start="$(zcat -f "$f" 2>/dev/null | head -c 8192 | tr -d '\0' || true)"
            if [[ "$start" == *'<collection'* ]]; then continue; fi # BioC, not PubMed
        fi
        name="$(printf '%s' "${f#"$data"/}" | tr '/' '_')"
        case "$target" in
            read_repair)
                { if [[ "${f,,}" == *.xml ]]; then printf '\x01'; else printf '\x00'; fi
                  zcat -f "$f" | head -c 16384 || true; } >"$out/$name" ;;
            *) zcat -f "$f" | head -c 16384 >"$out/$name" || true ;;
        esac
        n=$((n + 1))
        if ((n >= 200)); then break; fi
    done < <(find -L "$data" -type f | grep -iE "$pattern" | sort)
    return 0
}

case "${1:-}" in
    "" | -h | --help) sed -n '2,24p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    --list) targets; exit 0 ;;
    --build) mapfile -t all < <(targets); build "${all[@]}"; exit 0 ;;
esac

target="$1"
shift
targets | grep -qx "$target" || { echo "unknown target $target (fuzz/run.sh --list)" >&2; exit 2; }
build "$target"

# Replay: every remaining argument is an existing file.
if [[ $# -gt 0 && -f "$1" ]]; then
    exec "$bin_dir/$target" -timeout=10 "$@"
fi

execs=10000
if [[ $# -gt 0 && "$1" =~ ^[0-9]+$ ]]; then
    execs="$1"
    shift
fi

"$fuzz_dir/seeds.sh" >/dev/null
"$bin_dir/write_seeds" "$fuzz_dir/corpus" >/dev/null
corpora=("corpus/$target")
use_shared="${FUZZ_SHARED:-}"
if [[ -z "$use_shared" && -d "$repo_dir/../shared/data" ]]; then use_shared=1; fi
if [[ "$use_shared" == 1 ]]; then
    shared_seeds "$target" "corpus/.shared/$target"
    if [[ -n "$(ls -A "corpus/.shared/$target")" ]]; then corpora+=("corpus/.shared/$target"); fi
fi
mkdir -p "artifacts/$target" logs
log="logs/$target.log"

start=$(date +%s%N)
set +e
nice -n "$nice_level" "$bin_dir/$target" "${corpora[@]}" \
    -runs="$execs" -timeout=10 -rss_limit_mb=2048 -max_len=16384 -print_final_stats=1 \
    -artifact_prefix="artifacts/$target/" "$@" 2>&1 | tee "$log" |
    grep -E '^#[0-9]+.*(INITED|DONE|pulse)|^==|^thread|panicked|SUMMARY|Test unit written'
status=${PIPESTATUS[0]}
set -e
wall_ms=$(( ($(date +%s%N) - start) / 1000000 ))

# Summary: executions, wall time, exec/s, coverage (edges, features), corpus, findings.
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
last=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
corp=$(sed -n 's/.* corp: \([0-9]*\).*/\1/p' <<<"$last")
findings=$(grep -cE 'Test unit written|^artifact_prefix' "$log" || true)
rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -1)
printf 'SUMMARY %s execs=%s wall_s=%d.%01d exec_per_s=%s cov=%s ft=%s corpus=%s rss_mb=%s findings=%s exit=%s\n' \
    "$target" "${runs:-?}" $((wall_ms / 1000)) $((wall_ms % 1000 / 100)) \
    "$(( ${runs:-0} * 1000 / (wall_ms > 0 ? wall_ms : 1) ))" \
    "${cov:-?}" "${ft:-?}" "${corp:-?}" "${rss:-?}" "$findings" "$status"
if [[ "$status" != 0 ]]; then
    echo "libFuzzer exited with $status; the end of $fuzz_dir/$log:" >&2
    tail -n 40 "$log" >&2
fi
exit "$status"
