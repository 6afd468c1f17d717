//! The server's connection limits over real TCP: a client that never finishes its headers
//! (slowloris) is dropped after the header timeout while a normal request is served; a
//! connection over the cap is closed at once; a `Host` that is not this server gets 421.

use std::io::{Read as _, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use pubminer_serve::{Limits, serve_router};

/// Starts a server with a one-route router on a port of its own; returns its address.
fn start(limits: Limits) -> SocketAddr {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap()).unwrap();
            let router = axum::Router::new().route("/", axum::routing::get(|| async { "hello" }));
            serve_router(listener, router, &limits).await.unwrap();
        });
    });
    rx.recv().unwrap()
}

/// Sends a GET with `host` on a new connection; returns the status line.
fn get(addr: SocketAddr, host: &str) -> String {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    write!(
        s,
        "GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut out = String::new();
    let _ = s.read_to_string(&mut out);
    out.lines().next().unwrap_or_default().to_owned()
}

/// True when the server closes `s` within `within`.
fn closed_within(s: &mut TcpStream, within: Duration) -> bool {
    s.set_read_timeout(Some(within)).unwrap();
    let mut buf = [0u8; 256];
    loop {
        match s.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => {}
            Err(e) => {
                return !matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                );
            }
        }
    }
}

#[test]
fn slow_client_is_dropped_while_a_normal_request_is_served() {
    let addr = start(Limits {
        header_timeout: Duration::from_millis(500),
        ..Limits::default()
    });
    let mut slow = TcpStream::connect(addr).unwrap();
    slow.write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\nX-A: ")
        .unwrap();
    // An idle connection that never sends a byte.
    let mut idle = TcpStream::connect(addr).unwrap();
    assert!(get(addr, "localhost").contains("200"));
    let started = Instant::now();
    assert!(
        closed_within(&mut slow, Duration::from_secs(5)),
        "slowloris kept open"
    );
    assert!(
        closed_within(&mut idle, Duration::from_secs(5)),
        "idle kept open"
    );
    assert!(started.elapsed() < Duration::from_secs(4));
    assert!(get(addr, "localhost").contains("200"));
}

#[test]
fn connections_over_the_cap_are_closed() {
    let addr = start(Limits {
        header_timeout: Duration::from_secs(30),
        max_connections: 2,
        ..Limits::default()
    });
    let held: Vec<TcpStream> = (0..2).map(|_| TcpStream::connect(addr).unwrap()).collect();
    std::thread::sleep(Duration::from_millis(200));
    let mut third = TcpStream::connect(addr).unwrap();
    assert!(
        closed_within(&mut third, Duration::from_secs(3)),
        "a third connection is refused"
    );
    drop(held);
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        get(addr, "localhost").contains("200"),
        "served again once below the cap"
    );
}

#[test]
fn other_hosts_are_refused() {
    let addr = start(Limits::default());
    assert!(get(addr, "evil.example").contains("421"));
    assert!(get(addr, &format!("localhost:{}", addr.port())).contains("200"));
    assert!(get(addr, &addr.to_string()).contains("200"));
    let addr = start(Limits {
        allowed_hosts: vec!["kb.lab.example".to_owned()],
        ..Limits::default()
    });
    assert!(get(addr, "kb.lab.example:8080").contains("200"));
    assert!(get(addr, "evil.example").contains("421"));
}
