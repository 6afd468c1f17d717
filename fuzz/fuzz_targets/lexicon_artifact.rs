#![no_main]

//! Arbitrary bytes as a lexicon artifact: refused with an error or read, never a panic.
//! Inputs starting with the magic get the file's CRC recomputed, so the fuzzer reaches the
//! section and record checks behind it. A lexicon that loads is walked through every
//! accessor: entries and their lists, every key and its postings, prefix and id lookups.
//!
//! With `FUZZ_LEXICON_FORGE_FST=1` the fst checksums of the KEYS and IDS sections are
//! recomputed too, so damaged automata get past `fst::Fst::verify` and are walked. The
//! loader relies on that checksum (it is what catches accidental damage); fst 0.4 asserts
//! rather than errs on some malformed nodes, so this mode finds panics inside the fst crate
//! on crafted files (docs/FUZZING.md). It is off in the campaign and in CI.

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use pubminer_lexicon::Lexicon;

/// The masked CRC-32C (Castagnoli) that the `fst` crate stores in an automaton's last
/// four bytes.
fn fst_checksum(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0x82F6_3B78
            } else {
                crc >> 1
            };
        }
    }
    let sum = !crc;
    (sum.rotate_right(15)).wrapping_add(0xA282_EAD8)
}

fn fix_checksums(bytes: &mut [u8], forge_fst: bool) {
    if bytes.len() < 24 || !bytes.starts_with(b"PMLEXICN") {
        return;
    }
    if forge_fst {
        forge_fst_checksums(bytes);
    }
    let crc = crc32fast::hash(&bytes[24..]);
    bytes[16..20].copy_from_slice(&crc.to_le_bytes());
}

fn forge_fst_checksums(bytes: &mut [u8]) {
    let u64_at = |b: &[u8], at: usize| {
        let mut v = [0u8; 8];
        v.copy_from_slice(&b[at..at + 8]);
        u64::from_le_bytes(v)
    };
    let count = u32::from_le_bytes([bytes[12], bytes[13], bytes[14], bytes[15]]) as usize;
    for i in 0..count.min(16) {
        let at = 24 + i * 20;
        if at + 20 > bytes.len() {
            break;
        }
        if &bytes[at..at + 4] != b"KEYS" && &bytes[at..at + 4] != b"IDS " {
            continue;
        }
        let (offset, len) = (u64_at(bytes, at + 4), u64_at(bytes, at + 12));
        let (Ok(offset), Ok(len)) = (usize::try_from(offset), usize::try_from(len)) else {
            continue;
        };
        if let Some(end) = offset.checked_add(len)
            && len >= 4
            && end <= bytes.len()
        {
            let sum = fst_checksum(&bytes[offset..end - 4]);
            bytes[end - 4..end].copy_from_slice(&sum.to_le_bytes());
        }
    }
}

fuzz_target!(|data: &[u8]| {
    static FORGE_FST: OnceLock<bool> = OnceLock::new();
    let forge_fst = *FORGE_FST
        .get_or_init(|| std::env::var_os("FUZZ_LEXICON_FORGE_FST").is_some_and(|v| v == "1"));
    let mut bytes = data.to_vec();
    fix_checksums(&mut bytes, forge_fst);
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
