//! Real-data check of the sentence splitter: gold mentions of BC5CDR (train, dev) and NCBI
//! Disease (train) that a sentence boundary cuts through are splitter errors
//! (over-splitting). Skips when the shared data directory is absent.

use std::path::PathBuf;

use pubminer_core::TextRange;
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
fn gold_mentions_rarely_cross_sentence_boundaries() {
    let Some(dir) = data_dir() else {
        eprintln!("SKIP: shared data directory not found (set PUBMINER_DATA)");
        return;
    };
    let files = [
        "corpora/bc5cdr/CDR_TrainingSet.PubTator.txt",
        "corpora/bc5cdr/CDR_DevelopmentSet.PubTator.txt",
        "corpora/ncbi-disease/train/NCBItrainset_corpus.txt",
    ];
    let (mut mentions, mut crossing, mut sentences, mut documents) = (0usize, 0usize, 0usize, 0);
    for file in files {
        let path = dir.join(file);
        if !path.is_file() {
            eprintln!("SKIP: {} not found", path.display());
            return;
        }
        let docs = pubminer_formats::read_all(&path, &Default::default())
            .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
        let (mut file_mentions, mut file_crossing, mut file_sentences) = (0, 0, 0);
        for doc in &docs {
            let split: Vec<Vec<TextRange>> = doc
                .passages
                .iter()
                .map(|p| split_sentences(p.text()))
                .collect();
            file_sentences += split.iter().map(Vec::len).sum::<usize>();
            for mention in &doc.mentions {
                let Some(passage_sentences) = split.get(mention.passage as usize) else {
                    continue;
                };
                file_mentions += 1;
                if !passage_sentences
                    .iter()
                    .any(|s| s.contains_range(mention.range))
                {
                    file_crossing += 1;
                    let text = doc.passages[mention.passage as usize].text();
                    let r = mention.range.to_range();
                    let lo = text.floor_char_boundary(r.start.saturating_sub(60));
                    let hi = text.ceil_char_boundary((r.end + 60).min(text.len()));
                    eprintln!(
                        "CROSSING {} {:?}: ...{}...",
                        doc.id,
                        mention.text,
                        &text[lo..hi]
                    );
                }
            }
        }
        println!(
            "{file}: {} documents, {file_sentences} sentences, {file_mentions} mentions, {file_crossing} crossing a boundary",
            docs.len()
        );
        documents += docs.len();
        mentions += file_mentions;
        crossing += file_crossing;
        sentences += file_sentences;
    }
    let rate = crossing as f64 / mentions.max(1) as f64;
    println!(
        "total: {documents} documents, {sentences} sentences, {mentions} mentions, {crossing} crossing ({:.3}%)",
        rate * 100.0
    );
    assert!(mentions > 10_000, "too few mentions read: {mentions}");
    assert!(
        rate < 0.002,
        "{crossing} of {mentions} mentions cross a boundary"
    );
}
