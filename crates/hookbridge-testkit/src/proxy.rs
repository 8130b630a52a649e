//! [`TcpProxy`]: a TCP proxy between a client and a real server (Redis, PostgreSQL, …) that a
//! test stops and starts again on the same port.
//!
//! Stopping it simulates the server going away: every open connection is dropped (both sides see
//! it closed) and new connections are refused, exactly what a client sees when the server process
//! stops or its host disappears from the network. Starting it again simulates the server coming
//! back at the same address. The real server keeps its data, as a restarted server with
//! persistence (or a network partition that heals) would.

use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::task::{AbortHandle, JoinHandle};

/// A stoppable TCP proxy on a loopback port (see the [module documentation](self)).
#[derive(Debug)]
pub struct TcpProxy {
    listen: SocketAddr,
    upstream: String,
    running: Mutex<Option<Running>>,
}

#[derive(Debug)]
struct Running {
    accept: JoinHandle<()>,
    connections: Arc<Mutex<Vec<AbortHandle>>>,
}

impl TcpProxy {
    /// A started proxy on a free loopback port, forwarding to `upstream` (`host:port`).
    ///
    /// # Errors
    /// When no loopback port can be bound.
    pub async fn start(upstream: impl Into<String>) -> io::Result<Self> {
        let socket = TcpSocket::new_v4()?;
        socket.set_reuseaddr(true)?;
        socket.bind(SocketAddr::from(([127, 0, 0, 1], 0)))?;
        let listen = socket.local_addr()?;
        drop(socket);
        let proxy = Self { listen, upstream: upstream.into(), running: Mutex::new(None) };
        proxy.resume().await?;
        Ok(proxy)
    }

    /// A started proxy to the server of `url` (`scheme://[userinfo@]host[:port]/…`, e.g. a Redis
    /// or PostgreSQL URL; without a port, the scheme's default: 6379 for `redis`/`rediss`, 5432
    /// otherwise). [`url_through`](Self::url_through) gives the URL reaching it through the proxy.
    ///
    /// # Errors
    /// When `url` has no `scheme://`, or no loopback port can be bound.
    pub async fn start_for_url(url: &str) -> io::Result<Self> {
        let (_, authority, _) = split_url(url)?;
        let host_port = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
        if host_port.contains(':') {
            return Self::start(host_port).await;
        }
        let port = if url.starts_with("redis") { 6379 } else { 5432 };
        Self::start(format!("{host_port}:{port}")).await
    }

    /// `url` with its host and port replaced by the proxy's address: the same server (same
    /// user, database, path and query), reached through the proxy.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use hookbridge_testkit::proxy::TcpProxy;
    ///
    /// let url = "postgres://app:pw@127.0.0.1:5432/test?sslmode=disable";
    /// let proxy = TcpProxy::start_for_url(url).await?;
    /// let through = proxy.url_through(url)?;
    /// assert_eq!(through, format!("postgres://app:pw@{}/test?sslmode=disable", proxy.addr()));
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    /// When `url` has no `scheme://`.
    pub fn url_through(&self, url: &str) -> io::Result<String> {
        let (scheme, authority, tail) = split_url(url)?;
        let userinfo = authority.rsplit_once('@').map(|(user, _)| format!("{user}@")).unwrap_or_default();
        Ok(format!("{scheme}://{userinfo}{}{tail}", self.listen))
    }

    /// The address clients connect to.
    #[must_use]
    pub fn addr(&self) -> SocketAddr {
        self.listen
    }

    /// Stops accepting and drops every open connection: the server is gone.
    pub async fn stop(&self) {
        let running = self.running.lock().unwrap_or_else(PoisonError::into_inner).take();
        if let Some(Running { accept, connections }) = running {
            // The accept loop is gone before the connections are dropped: none is added after.
            accept.abort();
            let _ = accept.await;
            Running::abort_all(&connections);
        }
    }

    /// Accepts connections again on the same port: the server is back. The port may take a
    /// moment to be free again; binding is retried for up to 5 seconds.
    ///
    /// # Errors
    /// When the port cannot be bound again.
    pub async fn resume(&self) -> io::Result<()> {
        let listener = self.listen_again().await?;
        let connections: Arc<Mutex<Vec<AbortHandle>>> = Arc::default();
        let upstream = self.upstream.clone();
        let tracked = Arc::clone(&connections);
        let accept = tokio::spawn(async move {
            loop {
                let Ok((mut client, _)) = listener.accept().await else { continue };
                let upstream = upstream.clone();
                let task = tokio::spawn(async move {
                    let Ok(mut server) = TcpStream::connect(&upstream).await else { return };
                    let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                });
                let mut tracked = tracked.lock().unwrap_or_else(PoisonError::into_inner);
                tracked.retain(|t| !t.is_finished());
                tracked.push(task.abort_handle());
            }
        });
        *self.running.lock().unwrap_or_else(PoisonError::into_inner) = Some(Running { accept, connections });
        Ok(())
    }

    async fn listen_again(&self) -> io::Result<TcpListener> {
        let mut attempts = 0;
        loop {
            let socket = TcpSocket::new_v4()?;
            socket.set_reuseaddr(true)?;
            match socket.bind(self.listen).and_then(|()| socket.listen(1024)) {
                Ok(listener) => return Ok(listener),
                Err(_) if attempts < 50 => {
                    attempts += 1;
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(err) => return Err(err),
            }
        }
    }
}

/// `scheme`, authority (`[userinfo@]host[:port]`) and the rest (path, query) of `url`.
fn split_url(url: &str) -> io::Result<(&str, &str, &str)> {
    let (scheme, rest) = url
        .split_once("://")
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "a server URL needs a `scheme://`"))?;
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    Ok((scheme, authority, tail))
}

impl Running {
    fn abort_all(connections: &Mutex<Vec<AbortHandle>>) {
        for connection in connections.lock().unwrap_or_else(PoisonError::into_inner).drain(..) {
            connection.abort();
        }
    }
}

impl Drop for TcpProxy {
    fn drop(&mut self) {
        if let Some(running) = self.running.lock().unwrap_or_else(PoisonError::into_inner).take() {
            running.accept.abort();
            Running::abort_all(&running.connections);
        }
    }
}
