//! A raw HTTP/1.1 listener on 127.0.0.1:0 for faults wiremock cannot produce: connections closed
//! without an answer, bodies shorter than their `Content-Length`, and chunked bodies of any size.
//!
//! It runs on one std thread, serves one connection at a time (each attempt of a request opens its
//! own connection, since every reply here ends the connection), logs each request before replying
//! and stops when dropped. Nothing but loopback is involved.

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// What the listener does once it has read a request.
#[derive(Clone, Debug)]
pub(crate) enum Reply {
    /// Close the connection without answering.
    Close,
    /// Send `head` + `body` with `Content-Length: declared` (larger than `body`), then close.
    Truncated { declared: usize, body: Vec<u8> },
    /// Send a complete `200` response with a chunked JSON body of `len` bytes, without `Content-Length`.
    Chunked { len: usize },
}

/// One request as the listener read it.
#[derive(Clone, Debug)]
pub(crate) struct RawRequest {
    /// Request line and headers.
    pub head: String,
}

impl RawRequest {
    /// The request line (`POST /webhooks HTTP/1.1`).
    pub(crate) fn line(&self) -> &str {
        self.head.lines().next().unwrap_or("")
    }

    /// A header value (case-insensitive name).
    pub(crate) fn header(&self, name: &str) -> Option<String> {
        self.head.lines().skip(1).find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim().eq_ignore_ascii_case(name).then(|| v.trim().to_owned())
        })
    }
}

/// The listener. Drop stops it.
pub(crate) struct RawServer {
    addr: SocketAddr,
    log: Arc<Mutex<Vec<RawRequest>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl RawServer {
    /// Starts a listener answering every request with `reply`.
    pub(crate) fn start(reply: Reply) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let log = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (log, stop) = (Arc::clone(&log), Arc::clone(&stop));
            std::thread::spawn(move || {
                for conn in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(mut conn) = conn else { continue };
                    if let Some(req) = read_request(&mut conn) {
                        log.lock().unwrap().push(req);
                        let _ = answer(&mut conn, &reply);
                    }
                    let _ = conn.shutdown(Shutdown::Both);
                }
            })
        };
        Self { addr, log, stop, thread: Some(thread) }
    }

    /// `http://127.0.0.1:port`.
    pub(crate) fn uri(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every request read so far.
    pub(crate) fn requests(&self) -> Vec<RawRequest> {
        self.log.lock().unwrap().clone()
    }
}

impl Drop for RawServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the blocking accept.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Reads the head and the `Content-Length` body of one request (bounded: 64 KiB, 2 s).
fn read_request(conn: &mut TcpStream) -> Option<RawRequest> {
    conn.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = conn.read(&mut chunk).ok()?;
        if n == 0 || buf.len() > 64 * 1024 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let req = RawRequest { head };
    let len: usize = req.header("content-length").and_then(|v| v.parse().ok()).unwrap_or(0);
    while buf.len() < head_end + len.min(64 * 1024) {
        let n = conn.read(&mut chunk).ok()?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    Some(req)
}

fn answer(conn: &mut TcpStream, reply: &Reply) -> std::io::Result<()> {
    match reply {
        Reply::Close => Ok(()),
        Reply::Truncated { declared, body } => {
            let head =
                format!("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {declared}\r\n\r\n");
            conn.write_all(head.as_bytes())?;
            conn.write_all(body)?;
            conn.flush()
        }
        Reply::Chunked { len } => {
            conn.write_all(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
            )?;
            // {"pad":"aaaa…"} in 1 KiB chunks.
            let mut body = b"{\"pad\":\"".to_vec();
            body.resize(len.saturating_sub(2), b'a');
            body.extend_from_slice(b"\"}");
            for piece in body.chunks(1024) {
                conn.write_all(format!("{:x}\r\n", piece.len()).as_bytes())?;
                conn.write_all(piece)?;
                conn.write_all(b"\r\n")?;
            }
            conn.write_all(b"0\r\n\r\n")?;
            conn.flush()
        }
    }
}
