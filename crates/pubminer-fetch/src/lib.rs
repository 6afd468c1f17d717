//! HTTP for pubminer: resumable, checksum-verified downloads, and PubMed queries through
//! NCBI E-utilities ([`eutils`]).
//!
//! It exists to fence the network (ureq, rustls) into one crate, and to make every transfer
//! safe to interrupt: bytes go to `FILE.partial`, an interrupted transfer resumes with an
//! HTTP `Range` request where the server allows it, the SHA-256 of the finished file is
//! checked against the expected one when it is known, and only then is the file renamed
//! into place. Transient failures (connection errors, 429, 5xx) are retried with
//! exponential backoff and jitter.

pub mod chat;
mod download;
mod error;
pub mod eutils;
mod retry;

pub use chat::{ChatAnswer, ChatClient, ChatConfig, ChatRequest, Message};
pub use download::{Download, Downloader, Outcome, sha256_file};
pub use error::{FetchError, Result};
pub use eutils::{Eutils, EutilsConfig, QueryFetch, QueryState};
