#![no_main]

//! Arbitrary bytes as a lexicon artifact: refused with an error or read, never a panic.
//! Inputs starting with the magic get a valid CRC recomputed, so the fuzzer reaches the
//! section and record checks behind it.

use libfuzzer_sys::fuzz_target;
use pubminer_lexicon::Lexicon;

fuzz_target!(|data: &[u8]| {
    let mut bytes = data.to_vec();
    if bytes.len() >= 24 && bytes.starts_with(b"PMLEXICN") {
        let crc = crc32fast::hash(&bytes[24..]);
        bytes[16..20].copy_from_slice(&crc.to_le_bytes());
    }
    if let Ok(lexicon) = Lexicon::from_bytes(bytes) {
        for e in lexicon.entries().take(1000) {
            let _ = (e.id(), e.name(), e.names().count(), e.xrefs().count());
        }
        let _ = lexicon.lookup_key("lung").count();
        let _ = lexicon.find_id("HGNC:1");
    }
});
