#![no_main]

//! PubTator or BioC XML (chosen by the first byte) with `repair_offsets: true` and a
//! fuzzed offset unit.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    pubminer_fuzz::read_repair(data);
});
