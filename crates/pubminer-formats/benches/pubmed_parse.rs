//! PubMed XML parse throughput on an in-memory buffer (no file I/O, one thread).
//!
//! The input is built at run time from the real records in the shared data directory:
//! every `<PubmedArticle>` in `pubmed/curated/*.xml.gz` and
//! `pubmed/metapub+metapub/tests/fixtures/pmid_xml/*.xml`, wrapped in one
//! `<PubmedArticleSet>`. The data directory is `$PUBMINER_DATA`, or
//! `../../../shared/data` relative to this crate. When it is missing the benchmark prints
//! a skip message and measures nothing.
//!
//! ```text
//! cargo bench -p pubminer-formats --bench pubmed_parse -- --warm-up-time 1 --measurement-time 3
//! ```

use std::hint::black_box;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use pubminer_formats::{Format, ReadOptions};

const HEADER: &[u8] = b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
<!DOCTYPE PubmedArticleSet PUBLIC \"-//NLM//DTD PubMedArticle, 1st January 2025//EN\" \
\"https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd\">\n<PubmedArticleSet>\n";
const FOOTER: &[u8] = b"</PubmedArticleSet>\n";

fn data_dir() -> PathBuf {
    match std::env::var_os("PUBMINER_DATA") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"),
    }
}

fn sorted_files(dir: &Path, suffix: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(suffix))
        .collect();
    files.sort();
    files
}

/// Appends every `<PubmedArticle>…</PubmedArticle>` of `xml` to `out`, one per line.
fn extract_records(xml: &[u8], out: &mut Vec<u8>) -> usize {
    const OPEN: &[u8] = b"<PubmedArticle";
    const CLOSE: &[u8] = b"</PubmedArticle>";
    let mut count = 0;
    let mut pos = 0;
    while let Some(i) = memchr::memmem::find(&xml[pos..], OPEN) {
        let start = pos + i;
        // `<PubmedArticle>` or `<PubmedArticle attr…>`, not `<PubmedArticleSet>`.
        let next = xml.get(start + OPEN.len()).copied();
        if !matches!(next, Some(b'>' | b' ' | b'\t' | b'\r' | b'\n')) {
            pos = start + OPEN.len();
            continue;
        }
        let Some(j) = memchr::memmem::find(&xml[start..], CLOSE) else {
            break;
        };
        let end = start + j + CLOSE.len();
        out.extend_from_slice(&xml[start..end]);
        out.push(b'\n');
        count += 1;
        pos = end;
    }
    count
}

/// The benchmark input (uncompressed) and its record count, or `None` without data.
fn build_input(data: &Path) -> Option<(Vec<u8>, usize)> {
    let pubmed = data.join("pubmed");
    let mut files = sorted_files(&pubmed.join("curated"), ".xml.gz");
    files.extend(sorted_files(
        &pubmed.join("metapub+metapub/tests/fixtures/pmid_xml"),
        ".xml",
    ));
    let mut buf = HEADER.to_vec();
    let mut records = 0;
    for file in &files {
        let raw = std::fs::read(file).ok()?;
        let xml = if raw.starts_with(&[0x1f, 0x8b]) {
            let mut xml = Vec::new();
            flate2::read::MultiGzDecoder::new(raw.as_slice())
                .read_to_end(&mut xml)
                .ok()?;
            xml
        } else {
            raw
        };
        records += extract_records(&xml, &mut buf);
    }
    buf.extend_from_slice(FOOTER);
    (records > 0).then_some((buf, records))
}

fn parse_all(name: &str, bytes: Vec<u8>) -> usize {
    let options = ReadOptions {
        format: Some(Format::Pubmed),
        ..Default::default()
    };
    let records = pubminer_formats::from_bytes(name, bytes, &options).expect("open buffer");
    let mut documents = 0;
    for doc in records.documents() {
        let doc = doc.expect("parse record");
        black_box(&doc);
        documents += 1;
    }
    documents
}

fn bench(c: &mut Criterion) {
    let data = data_dir();
    let data = data.canonicalize().unwrap_or(data);
    let Some((xml, records)) = build_input(&data) else {
        eprintln!(
            "pubmed_parse: skipped: no PubMed records under {} (set PUBMINER_DATA to the \
             shared data directory)",
            data.display()
        );
        return;
    };
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
    gz.write_all(&xml).expect("gzip in memory");
    let gz = gz.finish().expect("gzip in memory");

    // Every record must come back as a document, or the numbers mean nothing.
    assert_eq!(parse_all("bench.xml", xml.clone()), records);
    assert_eq!(parse_all("bench.xml.gz", gz.clone()), records);
    eprintln!(
        "pubmed_parse: {records} PubmedArticle records, {:.2} MB xml, {:.2} MB gz (from {})",
        xml.len() as f64 / 1e6,
        gz.len() as f64 / 1e6,
        data.display()
    );

    let mut group = c.benchmark_group("pubmed_parse");
    group.sample_size(20);
    // Throughput in uncompressed bytes for both rows, so they compare directly.
    group.throughput(Throughput::Bytes(xml.len() as u64));
    for (id, input) in [("xml", &xml), ("xml.gz", &gz)] {
        let name = format!("bench.{id}");
        group.bench_function(id, |b| {
            // `from_bytes` takes ownership: copy the buffer outside the timed part.
            b.iter_batched(
                || input.clone(),
                |bytes| parse_all(&name, bytes),
                BatchSize::LargeInput,
            );
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
