#![no_main]

use libfuzzer_sys::fuzz_target;
use pubminer_formats::Format;

fuzz_target!(|data: &[u8]| {
    pubminer_fuzz::read_default(Format::Iob, data);
});
