#![no_main]

//! Arbitrary bytes as a lexicon artifact: refused with an error or read, never a panic.
//! Inputs starting with the magic get a valid CRC recomputed, so the fuzzer reaches the
//! section and record checks behind it. A lexicon that loads is walked through every
//! accessor: entries and their lists, every key and its postings, prefix and id lookups.

use libfuzzer_sys::fuzz_target;
use pubminer_lexicon::Lexicon;

fuzz_target!(|data: &[u8]| {
    let mut bytes = data.to_vec();
    if bytes.len() >= 24 && bytes.starts_with(b"PMLEXICN") {
        let crc = crc32fast::hash(&bytes[24..]);
        bytes[16..20].copy_from_slice(&crc.to_le_bytes());
    }
    let Ok(lexicon) = Lexicon::from_bytes(bytes) else {
        return;
    };
    let _ = (
        lexicon.len(),
        lexicon.is_empty(),
        lexicon.size_bytes(),
        lexicon.meta(),
    );
    for e in lexicon.entries().take(1000) {
        let _ = (e.index(), e.id(), e.name(), e.tags(), e.entity_type());
        let _ = (e.names().count(), e.xrefs().count(), e.parents().count());
        let _ = e.has_id("HGNC:1");
        let _ = (
            lexicon.name_ref(e.index(), 0),
            lexicon.name_ref(e.index(), 1),
        );
    }
    let mut keys = 0;
    lexicon.for_each_key(|key, value| {
        keys += 1;
        if keys <= 1000 {
            for p in lexicon.postings(value).take(100) {
                let _ = (
                    lexicon.string(p.name),
                    lexicon.entry(p.entry),
                    p.kind,
                    p.case,
                );
            }
            let _ = lexicon.has_key_prefix(&String::from_utf8_lossy(key));
        }
    });
    let _ = lexicon.lookup_key("lung").count();
    let _ = (lexicon.has_key_prefix("lu"), lexicon.has_key_prefix(""));
    let _ = lexicon.find_id("HGNC:1").map(|e| e.name());
    let _ = (
        lexicon.entry(u32::MAX),
        lexicon.string(u32::MAX),
        lexicon.name_ref(0, usize::MAX),
    );
});
