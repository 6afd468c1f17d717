#![no_main]

//! Fuzzed paths and query strings against the `pubminer serve` API (parameter parsing,
//! filters, paging, key lookups); the first byte picks the route.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    pubminer_fuzz::http::request(data);
});
