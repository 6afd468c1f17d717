//! Resumable, verified file downloads.

use std::fs::{File, OpenOptions};
use std::io::{BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use sha2::{Digest, Sha256};

use crate::error::{FetchError, Result};

/// One file to fetch.
#[derive(Clone, Debug)]
pub struct Download {
    /// Where from.
    pub url: String,
    /// Where to.
    pub dest: PathBuf,
    /// The expected SHA-256 (lower-case hex), when it is known.
    pub sha256: Option<String>,
}

/// What a download did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// The file.
    pub path: PathBuf,
    /// Its size.
    pub bytes: u64,
    /// Its SHA-256 (lower-case hex).
    pub sha256: String,
    /// Bytes already on disk from an interrupted transfer that the server let us keep.
    pub resumed_from: u64,
    /// True when the file was already present with the expected checksum.
    pub already_present: bool,
}

/// Downloads files over HTTP(S).
#[derive(Clone, Debug)]
pub struct Downloader {
    agent: ureq::Agent,
    /// Attempts per file before giving up.
    pub attempts: u32,
    /// First backoff delay; doubled on each retry, with up to 50% jitter.
    pub backoff: Duration,
}

impl Default for Downloader {
    /// Bodies may take up to an hour per attempt (MeSH's supplementary XML is ~700 MB); an
    /// attempt cut by the limit resumes where it stopped.
    fn default() -> Self {
        Self::new(Duration::from_secs(3600))
    }
}

/// SHA-256 of a file, as lower-case hex.
///
/// # Errors
/// When the file cannot be read.
pub fn sha256_file(path: &Path) -> Result<String> {
    let io = |source| FetchError::Io {
        path: path.to_owned(),
        source,
    };
    let mut reader = BufReader::with_capacity(1 << 20, File::open(path).map_err(io)?);
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = reader.read(&mut buf).map_err(io)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hex(&hasher.finalize()))
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::with_capacity(64), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

enum Attempt {
    Done,
    Retry(String),
}

impl Downloader {
    /// A downloader whose attempts give up on a body after `timeout` (ureq has no idle
    /// timeout; the next attempt resumes from the bytes received).
    #[must_use]
    pub fn new(timeout: Duration) -> Self {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(Duration::from_secs(30)))
            .timeout_recv_body(Some(timeout))
            .user_agent(concat!("pubminer/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        Self {
            agent,
            attempts: 5,
            backoff: Duration::from_secs(1),
        }
    }

    /// The HTTP agent, for other requests that should share its settings.
    #[must_use]
    pub fn agent(&self) -> &ureq::Agent {
        &self.agent
    }

    /// Fetches `download.url` to `download.dest`.
    ///
    /// A destination that already has the expected checksum is left alone. Otherwise bytes go
    /// to `DEST.partial`; a `.partial` left by an interrupted run is resumed with a `Range`
    /// request (restarted from zero when the server ignores the range). `progress` is called
    /// with the bytes on disk and the total when the server says it.
    ///
    /// # Errors
    /// A non-retryable HTTP status, a network failure that outlasts the retries, a checksum
    /// mismatch (the partial file is removed), or a local I/O error.
    pub fn fetch(
        &self,
        download: &Download,
        progress: &mut dyn FnMut(u64, Option<u64>),
    ) -> Result<Outcome> {
        let dest = &download.dest;
        let io = |path: &Path| {
            let path = path.to_owned();
            move |source| FetchError::Io { path, source }
        };
        if let (true, Some(expected)) = (dest.exists(), &download.sha256) {
            let actual = sha256_file(dest)?;
            if &actual == expected {
                let bytes = std::fs::metadata(dest).map_err(io(dest))?.len();
                return Ok(Outcome {
                    path: dest.clone(),
                    bytes,
                    sha256: actual,
                    resumed_from: 0,
                    already_present: true,
                });
            }
        }
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent).map_err(io(parent))?;
        }
        let mut partial_name = dest.as_os_str().to_owned();
        partial_name.push(".partial");
        let partial = PathBuf::from(partial_name);
        let resumed_from = std::fs::metadata(&partial).map_or(0, |m| m.len());

        let mut attempt = 0;
        loop {
            attempt += 1;
            match self.attempt(&download.url, &partial, progress)? {
                Attempt::Done => break,
                Attempt::Retry(message) => {
                    if attempt >= self.attempts {
                        return Err(FetchError::Network {
                            url: download.url.clone(),
                            message,
                            attempts: attempt,
                        });
                    }
                    let base = self.backoff.as_secs_f64() * f64::from(1u32 << (attempt - 1).min(6));
                    std::thread::sleep(Duration::from_secs_f64(
                        base * (1.0 + 0.5 * crate::retry::jitter()),
                    ));
                }
            }
        }

        let actual = sha256_file(&partial)?;
        if let Some(expected) = &download.sha256
            && &actual != expected
        {
            let _ = std::fs::remove_file(&partial);
            return Err(FetchError::Checksum {
                url: download.url.clone(),
                path: dest.clone(),
                expected: expected.clone(),
                actual,
            });
        }
        std::fs::rename(&partial, dest).map_err(io(dest))?;
        let bytes = std::fs::metadata(dest).map_err(io(dest))?.len();
        Ok(Outcome {
            path: dest.clone(),
            bytes,
            sha256: actual,
            resumed_from,
            already_present: false,
        })
    }

    /// One request: resume from what `partial` holds. `Retry` for transient failures.
    fn attempt(
        &self,
        url: &str,
        partial: &Path,
        progress: &mut dyn FnMut(u64, Option<u64>),
    ) -> Result<Attempt> {
        let io = |source| FetchError::Io {
            path: partial.to_owned(),
            source,
        };
        let have = std::fs::metadata(partial).map_or(0, |m| m.len());
        let mut request = self.agent.get(url);
        if have > 0 {
            request = request.header("Range", &format!("bytes={have}-"));
        }
        let response = match request.call() {
            Ok(r) => r,
            Err(e) => return Ok(Attempt::Retry(e.to_string())),
        };
        let status = response.status().as_u16();
        let content_length = response
            .headers()
            .get("content-length")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        let (mut file, mut written, total) = match status {
            206 => {
                let file = OpenOptions::new().append(true).open(partial).map_err(io)?;
                (file, have, content_length.map(|n| n + have))
            }
            200 => (File::create(partial).map_err(io)?, 0, content_length),
            // The range starts at the end: what we have is the whole file.
            416 if have > 0 => return Ok(Attempt::Done),
            429 | 500..=599 => return Ok(Attempt::Retry(format!("HTTP {status}"))),
            _ => {
                return Err(FetchError::Status {
                    url: url.to_owned(),
                    status,
                });
            }
        };
        let mut reader = response.into_body().into_reader();
        let mut buf = vec![0u8; 1 << 16];
        loop {
            let n = match reader.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) => {
                    file.flush().map_err(io)?;
                    return Ok(Attempt::Retry(format!("transfer interrupted: {e}")));
                }
            };
            file.write_all(&buf[..n]).map_err(io)?;
            written += n as u64;
            progress(written, total);
        }
        file.flush().map_err(io)?;
        file.sync_all().map_err(io)?;
        if let Some(total) = total
            && written < total
        {
            return Ok(Attempt::Retry(format!(
                "transfer ended at {written} of {total} bytes"
            )));
        }
        Ok(Attempt::Done)
    }
}
