//! Downloads against a real HTTP server on loopback (tiny_http), including an interrupted
//! transfer that must resume with a `Range` request, a server that ignores ranges, transient
//! 503s, a checksum mismatch and a 404.

use std::io::Read;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use pubminer_fetch::{Download, Downloader, FetchError, sha256_file};

/// How the server misbehaves.
#[derive(Clone, Copy, PartialEq)]
enum Mode {
    /// The first response is cut after half the body; later ones honour `Range`.
    CutFirst,
    /// Cut the first response and ignore `Range` afterwards (always 200, whole body).
    CutFirstNoRanges,
    /// Two 503s, then the body.
    Unavailable,
}

/// A reader that fails after `limit` bytes, like a dropped connection.
struct Cut {
    data: Vec<u8>,
    at: usize,
    limit: usize,
}

impl Read for Cut {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.at >= self.limit {
            return Err(std::io::Error::new(
                std::io::ErrorKind::ConnectionReset,
                "cut",
            ));
        }
        let n = buf
            .len()
            .min(self.limit - self.at)
            .min(self.data.len() - self.at);
        buf[..n].copy_from_slice(&self.data[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

struct Server {
    url: String,
    ranges_seen: Arc<Mutex<Vec<String>>>,
    requests: Arc<AtomicUsize>,
}

fn serve(body: Vec<u8>, mode: Mode) -> Server {
    let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
    let url = format!("http://{}/file.txt", server.server_addr().to_ip().unwrap());
    let ranges_seen = Arc::new(Mutex::new(Vec::new()));
    let requests = Arc::new(AtomicUsize::new(0));
    let (seen, count) = (Arc::clone(&ranges_seen), Arc::clone(&requests));
    std::thread::spawn(move || {
        for request in server.incoming_requests() {
            let n = count.fetch_add(1, Ordering::SeqCst);
            if request.url() != "/file.txt" {
                let _ = request.respond(tiny_http::Response::empty(404));
                continue;
            }
            let range = request
                .headers()
                .iter()
                .find(|h| h.field.equiv("Range"))
                .map(|h| h.value.as_str().to_owned());
            seen.lock().unwrap().push(range.clone().unwrap_or_default());
            if mode == Mode::Unavailable && n < 2 {
                let _ = request.respond(tiny_http::Response::empty(503));
                continue;
            }
            let start = match (mode, &range) {
                (Mode::CutFirstNoRanges, _) | (_, None) => 0,
                (_, Some(r)) => r
                    .trim_start_matches("bytes=")
                    .trim_end_matches('-')
                    .parse::<usize>()
                    .unwrap(),
            };
            let cut = n == 0 && mode != Mode::Unavailable;
            let part = body[start..].to_vec();
            let len = part.len();
            let status = if start > 0 { 206 } else { 200 };
            let reader = Cut {
                limit: if cut { len / 2 } else { len },
                data: part,
                at: 0,
            };
            let response = tiny_http::Response::new(
                tiny_http::StatusCode(status),
                Vec::new(),
                reader,
                Some(len),
                None,
            )
            // Send Content-Length, as file servers do, rather than chunked encoding (a cut
            // chunked body would end cleanly here and look complete).
            .with_chunked_threshold(usize::MAX);
            let _ = request.respond(response);
        }
    });
    Server {
        url,
        ranges_seen,
        requests,
    }
}

fn body() -> Vec<u8> {
    (0..200_000u32).map(|i| (i % 251) as u8).collect()
}

fn sha_of(bytes: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("x");
    std::fs::write(&p, bytes).unwrap();
    sha256_file(&p).unwrap()
}

fn quick() -> Downloader {
    let mut d = Downloader::new(Duration::from_secs(1));
    d.backoff = Duration::from_millis(10);
    d
}

#[test]
fn interrupted_transfer_resumes_with_a_range_request() {
    let data = body();
    let server = serve(data.clone(), Mode::CutFirst);
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("vocab/file.txt");
    let download = Download {
        url: server.url.clone(),
        dest: dest.clone(),
        sha256: Some(sha_of(&data)),
    };
    let outcome = quick().fetch(&download, &mut |_, _| {}).unwrap();
    assert_eq!(std::fs::read(&dest).unwrap(), data);
    assert_eq!(outcome.bytes, data.len() as u64);
    let ranges = server.ranges_seen.lock().unwrap().clone();
    assert_eq!(ranges.len(), 2, "{ranges:?}");
    assert_eq!(ranges[0], "");
    assert_eq!(ranges[1], format!("bytes={}-", data.len() / 2));
    assert!(!dir.path().join("vocab/file.txt.partial").exists());

    // Present with the right checksum: nothing is fetched again.
    let before = server.requests.load(Ordering::SeqCst);
    let again = quick().fetch(&download, &mut |_, _| {}).unwrap();
    assert!(again.already_present);
    assert_eq!(server.requests.load(Ordering::SeqCst), before);
}

#[test]
fn a_partial_file_from_an_earlier_run_is_resumed() {
    let data = body();
    let server = serve(data.clone(), Mode::Unavailable);
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("f.txt");
    std::fs::write(dir.path().join("f.txt.partial"), &data[..1000]).unwrap();
    let outcome = quick()
        .fetch(
            &Download {
                url: server.url.clone(),
                dest: dest.clone(),
                sha256: None,
            },
            &mut |_, _| {},
        )
        .unwrap();
    assert_eq!(outcome.resumed_from, 1000);
    assert_eq!(std::fs::read(&dest).unwrap(), data);
    assert_eq!(outcome.sha256, sha_of(&data));
    // Two 503s were retried.
    assert_eq!(server.requests.load(Ordering::SeqCst), 3);
}

#[test]
fn a_server_that_ignores_ranges_restarts_from_zero() {
    let data = body();
    let server = serve(data.clone(), Mode::CutFirstNoRanges);
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("f.txt");
    quick()
        .fetch(
            &Download {
                url: server.url.clone(),
                dest: dest.clone(),
                sha256: Some(sha_of(&data)),
            },
            &mut |_, _| {},
        )
        .unwrap();
    assert_eq!(std::fs::read(&dest).unwrap(), data);
}

#[test]
fn checksum_mismatch_and_missing_files_are_clear_errors() {
    let data = body();
    let server = serve(data, Mode::Unavailable);
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("f.txt");
    let err = quick()
        .fetch(
            &Download {
                url: server.url.clone(),
                dest: dest.clone(),
                sha256: Some("00".repeat(32)),
            },
            &mut |_, _| {},
        )
        .unwrap_err();
    assert!(matches!(err, FetchError::Checksum { .. }), "{err}");
    assert!(err.to_string().contains("SHA-256 mismatch"));
    assert!(!dest.exists());
    assert!(!dir.path().join("f.txt.partial").exists());

    let missing = server.url.replace("file.txt", "nope.txt");
    let err = quick()
        .fetch(
            &Download {
                url: missing,
                dest,
                sha256: None,
            },
            &mut |_, _| {},
        )
        .unwrap_err();
    assert!(
        matches!(err, FetchError::Status { status: 404, .. }),
        "{err}"
    );
}
