//! `DocWriter`: the atomic file output.

use std::error::Error as _;

use pubminer_core::{Document, Passage, PassageKind};
use pubminer_formats::{DocWriter, OutputFormat};

fn document() -> Document {
    let mut doc = Document::new("1");
    doc.passages
        .push(Passage::new(PassageKind::Title, "A title."));
    doc
}

#[test]
fn writes_through_partial_and_renames_on_finish() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.jsonl");
    let mut writer = DocWriter::create(&out, OutputFormat::Jsonl).unwrap();
    writer.write(&document()).unwrap();
    assert!(dir.path().join("out.jsonl.partial").exists());
    assert!(!out.exists());
    writer.finish().unwrap();
    assert!(out.exists());
    assert!(!dir.path().join("out.jsonl.partial").exists());
}

/// `-o DIR` used to write all of `DIR.partial` and fail only at the rename, leaving it.
#[test]
fn a_directory_is_refused_before_anything_is_written() {
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("out");
    std::fs::create_dir(&dir).unwrap();
    let Err(err) = DocWriter::create(&dir, OutputFormat::Jsonl) else {
        panic!("a directory was accepted as the output");
    };
    let cause = err
        .source()
        .and_then(|s| s.downcast_ref::<std::io::Error>())
        .expect("the I/O error is the source");
    assert_eq!(cause.kind(), std::io::ErrorKind::IsADirectory);
    let listing: Vec<_> = std::fs::read_dir(parent.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(listing, vec!["out"], "no out.partial beside it");
}

/// The I/O error is the source, not also part of the message: an error chain prints it once.
#[test]
fn an_io_error_is_the_source_and_not_repeated_in_the_message() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("missing").join("out.jsonl");
    let Err(err) = DocWriter::create(&out, OutputFormat::Jsonl) else {
        panic!("a file in a missing directory was created");
    };
    let cause = err
        .source()
        .expect("the I/O error is the source")
        .to_string();
    assert!(err.to_string().contains("out.jsonl"), "{err}");
    assert!(!err.to_string().contains(&cause), "{err} repeats {cause}");
}
