//! Command-line options: a clap `Parser` (and so `Args`) another binary can embed with
//! `#[command(flatten)]`, then hand to [`crate::run::run`].

use std::net::IpAddr;
use std::path::PathBuf;

use clap::Parser;

/// Serve the indexsmith app, a registry proxy for it, and a seeded local registry.
#[derive(Debug, Clone, Parser)]
#[command(name = "indexsmith-serve", version, about)]
pub struct Options {
    /// Directory holding the built app (index.html, .js, .wasm, .css).
    #[arg(long, default_value = "dist")]
    pub dist: PathBuf,

    /// Address to listen on. Only loopback addresses are used unless another one is given here;
    /// another address lets other machines use the app, the proxy and, through it, the local
    /// registry.
    #[arg(long, default_value = "127.0.0.1")]
    pub listen: IpAddr,

    /// Host name the server answers to besides IP addresses and `localhost` (e.g. the machine's
    /// name when listening on another address). Requests naming other hosts are refused, which
    /// keeps pages of other sites out through DNS rebinding. Repeatable.
    #[arg(long = "allow-host", value_name = "NAME")]
    pub allow_host: Vec<String>,

    /// Port of the app and the proxy; 0 picks a free port.
    #[arg(long, default_value_t = 8080)]
    pub port: u16,

    /// Registry host (`host[:port]`) that the proxy may reach over plain HTTP. Repeatable.
    /// Loopback hosts (localhost, 127.0.0.0/8, [::1]) always use plain HTTP.
    #[arg(long = "proxy-allow-http", value_name = "HOST")]
    pub proxy_allow_http: Vec<String>,

    /// Extra origin allowed to call the proxy from a browser (e.g. `http://localhost:5173`, a
    /// development server of the app), or `*` (any site: only on a machine without a browser).
    /// Only the server's own origin is allowed otherwise. Repeatable.
    #[arg(long = "cors-origin", value_name = "ORIGIN")]
    pub cors_origin: Vec<String>,

    /// Do not start the local registry.
    #[arg(long)]
    pub no_registry: bool,

    /// Port of the local registry; by default 5000 when it is free, else a free port.
    #[arg(long)]
    pub registry_port: Option<u16>,

    /// The registry program (the CNCF distribution registry, Debian package `docker-registry`).
    #[arg(long, value_name = "PATH")]
    pub registry_bin: Option<PathBuf>,

    /// Keep the local registry's storage in this directory instead of a temporary one.
    #[arg(long, value_name = "DIR")]
    pub registry_data: Option<PathBuf>,

    /// Do not push the sample images into the local registry.
    #[arg(long)]
    pub no_seed: bool,
}
