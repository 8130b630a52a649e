//! A TCP proxy between a store and its real server, that a test stops and starts again on the
//! same port.
//!
//! Stopping it simulates the server going away: every open connection is dropped (both
//! sides see it closed) and new connections are refused, exactly what a client sees when the
//! Redis or PostgreSQL process stops or its host disappears from the network. Starting it
//! again simulates the server coming back at the same address. The real server keeps its data,
//! as a restarted server with persistence (or a network partition that heals) would.
//!
//! The same proxy is `hookbridge_testkit::proxy::TcpProxy` for every other crate; this copy stays
//! because hookbridge-testkit depends on hookbridge-verify (a dev-dependency back on the testkit
//! would build this crate twice).

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use tokio::net::{TcpSocket, TcpStream};
use tokio::task::{AbortHandle, JoinHandle};

pub(crate) struct Proxy {
    listen: SocketAddr,
    upstream: String,
    running: Mutex<Option<Running>>,
}

struct Running {
    accept: JoinHandle<()>,
    connections: Arc<Mutex<Vec<AbortHandle>>>,
}

impl Proxy {
    /// A started proxy on a free loopback port, forwarding to `upstream` (`host:port`).
    pub(crate) async fn start(upstream: String) -> Self {
        let socket = TcpSocket::new_v4().unwrap();
        socket.set_reuseaddr(true).unwrap();
        socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
        let listen = socket.local_addr().unwrap();
        drop(socket);
        let proxy = Self { listen, upstream, running: Mutex::new(None) };
        proxy.resume().await;
        proxy
    }

    /// The address clients connect to.
    pub(crate) fn addr(&self) -> SocketAddr {
        self.listen
    }

    /// Stops accepting and drops every open connection: the server is gone.
    pub(crate) async fn stop(&self) {
        let running = self.running.lock().unwrap().take();
        if let Some(running) = running {
            running.accept.abort();
            let _ = running.accept.await;
            for connection in running.connections.lock().unwrap().drain(..) {
                connection.abort();
            }
        }
    }

    /// Accepts connections again on the same port: the server is back.
    pub(crate) async fn resume(&self) {
        let mut attempts = 0;
        let listener = loop {
            let socket = TcpSocket::new_v4().unwrap();
            socket.set_reuseaddr(true).unwrap();
            match socket.bind(self.listen).and_then(|()| socket.listen(1024)) {
                Ok(listener) => break listener,
                Err(err) if attempts < 50 => {
                    attempts += 1;
                    eprintln!("proxy: rebinding {}: {err}; retrying", self.listen);
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                }
                Err(err) => panic!("proxy: cannot listen on {} again: {err}", self.listen),
            }
        };
        let connections: Arc<Mutex<Vec<AbortHandle>>> = Arc::default();
        let upstream = self.upstream.clone();
        let tracked = connections.clone();
        let accept = tokio::spawn(async move {
            loop {
                let Ok((mut client, _)) = listener.accept().await else { continue };
                let upstream = upstream.clone();
                let task = tokio::spawn(async move {
                    let Ok(mut server) = TcpStream::connect(&upstream).await else { return };
                    let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                });
                let mut tracked = tracked.lock().unwrap();
                tracked.retain(|t| !t.is_finished());
                tracked.push(task.abort_handle());
            }
        });
        *self.running.lock().unwrap() = Some(Running { accept, connections });
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        if let Some(running) = self.running.lock().unwrap().take() {
            running.accept.abort();
            for connection in running.connections.lock().unwrap().drain(..) {
                connection.abort();
            }
        }
    }
}
