//! Integration tests of every reader and writer, on hand-written fixtures and (when
//! present) on the real corpora in `../shared/data`.

mod bad_input;
mod bioc;
mod common;
mod iob;
mod other;
mod pubmed;
mod pubtator;
mod real_data;
mod round_trip;
mod writer;
