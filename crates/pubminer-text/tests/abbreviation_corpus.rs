//! Real-data smoke test of abbreviation detection over the BC5CDR training abstracts (no
//! gold abbreviation corpus is available). Prints how many definitions it finds and a
//! sample to check by eye. Skips when the shared data directory is absent.

use std::path::PathBuf;

use pubminer_text::abbreviation::find_abbreviations;
use pubminer_text::sentence::split_sentences;

/// The shared data directory: `$PUBMINER_DATA`, or `../shared/data` from the project root.
fn data_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("PUBMINER_DATA").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"),
        PathBuf::from,
    );
    dir.is_dir().then_some(dir)
}

#[test]
fn finds_plausible_number_of_definitions_in_bc5cdr_train() {
    let Some(dir) = data_dir() else {
        eprintln!("SKIP: shared data directory not found (set PUBMINER_DATA)");
        return;
    };
    let path = dir.join("corpora/bc5cdr/CDR_TrainingSet.PubTator.txt");
    if !path.is_file() {
        eprintln!("SKIP: {} not found", path.display());
        return;
    }
    let docs = pubminer_formats::read_all(&path, &Default::default())
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    let mut found = Vec::new();
    for doc in &docs {
        for passage in &doc.passages {
            let text = passage.text();
            for pair in find_abbreviations(text, &split_sentences(text)) {
                found.push((
                    doc.id.clone(),
                    text[pair.short.to_range()].to_owned(),
                    text[pair.long.to_range()].to_owned(),
                    pair.score,
                ));
            }
        }
    }
    let reverse = found.iter().filter(|f| f.3 < 0.8).count();
    println!(
        "{} documents: {} definitions ({} by the reverse pattern)",
        docs.len(),
        found.len(),
        reverse
    );
    // A deterministic sample spread over the corpus, for checking by eye.
    let step = (found.len() / 30).max(1);
    for (id, short, long, score) in found.iter().step_by(step).take(30) {
        println!("SAMPLE {id}\t{short}\t{long}\t{score}");
    }
    assert_eq!(docs.len(), 500);
    assert!(found.len() > 300, "only {} definitions", found.len());
}
