#![no_main]

//! PubTator -> Document -> {PubTator, BioC XML, BioC JSON, JSONL} -> read back.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    pubminer_fuzz::round_trip(data);
});
