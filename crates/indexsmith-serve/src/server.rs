//! The HTTP server: the app and the proxy on one origin.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::host::{self, HostPolicy};
use crate::proxy::{self, ClientError, Proxy, ProxyConfig};

/// What the server serves.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// The built app.
    pub dist: PathBuf,
    /// Hosts the proxy may reach over plain HTTP besides loopback ones.
    pub allow_http: Vec<String>,
    /// Extra browser origins allowed to use the proxy.
    pub cors_origins: Vec<String>,
    /// Host names the server answers besides IP addresses and `localhost` (see [`crate::host`]).
    pub allow_hosts: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error(
        "cannot listen on {addr}: {source} (choose another address or port with --listen, --port)"
    )]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error(transparent)]
    Client(#[from] ClientError),
}

/// The app and the proxy, for requests whose `Host` names the server.
pub fn router(config: &ServerConfig, listen: SocketAddr) -> Result<Router, ClientError> {
    let proxy = Proxy::new(&ProxyConfig {
        allow_http: config.allow_http.clone(),
        cors_origins: config.cors_origins.clone(),
        listen,
    })?;
    let hosts = HostPolicy::new(listen.port(), &config.allow_hosts);
    Ok(proxy::router(Arc::new(proxy))
        .merge(crate::app::router(&config.dist))
        .layer(axum::middleware::from_fn_with_state(hosts, host::check)))
}

/// A server running on a tokio task. Dropping it stops it.
#[derive(Debug)]
pub struct RunningServer {
    addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    task: JoinHandle<std::io::Result<()>>,
}

/// Binds `addr` (port 0 picks a free port) and serves until stopped.
pub async fn start(config: &ServerConfig, addr: SocketAddr) -> Result<RunningServer, ServeError> {
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|source| ServeError::Bind { addr, source })?;
    let addr = listener
        .local_addr()
        .map_err(|source| ServeError::Bind { addr, source })?;
    let router = router(config, addr)?;
    let (shutdown, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        axum::serve(listener, router)
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await
    });
    Ok(RunningServer {
        addr,
        shutdown: Some(shutdown),
        task,
    })
}

impl RunningServer {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://ADDR`, without a trailing slash.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting connections, lets open responses finish for up to two seconds, then ends.
    pub async fn stop(mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        let finished =
            tokio::time::timeout(std::time::Duration::from_secs(2), &mut self.task).await;
        if finished.is_err() {
            self.task.abort();
        }
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        self.task.abort();
    }
}
