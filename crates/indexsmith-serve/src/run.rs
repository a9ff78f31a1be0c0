//! The program: start the server, the local registry and the sample, print where they are,
//! and stop everything on Ctrl-C (or SIGTERM).

use std::net::SocketAddr;
use std::time::Instant;

use crate::cli::Options;
use crate::registry::{LocalRegistry, RegistryError, RegistryOptions};
use crate::seed::{self, Seeded};
use crate::server::{self, ServeError, ServerConfig};

/// Waits for Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(term) => term,
                Err(_) => {
                    let _ = ctrl_c.await;
                    return;
                }
            };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}

fn print_summary(
    app: &str,
    dist_present: bool,
    options: &Options,
    registry: Option<&LocalRegistry>,
    seeded: Option<&Seeded>,
) {
    println!("indexsmith-serve {}", env!("CARGO_PKG_VERSION"));
    let note = if dist_present {
        String::new()
    } else {
        format!(
            "  (no app in {}: a page says how to build it)",
            options.dist.display()
        )
    };
    println!("  app       {app}/{note}");
    println!(
        "  proxy     {app}/proxy/<registry-host>/v2/...  (token realms: {app}/proxy-token/...)"
    );
    let Some(registry) = registry else { return };
    let host = registry.host();
    println!(
        "  registry  {}  (storage {}; through the proxy: {app}/proxy/{host}/v2/)",
        registry.url(),
        registry.storage().display()
    );
    let Some(seeded) = seeded else { return };
    println!(
        "  sample    {host}/{}:{}  {}  OCI image index",
        seed::REPOSITORY,
        seed::INDEX_TAG,
        seeded.index_digest
    );
    println!(
        "            {host}/{}:{}  {}  Docker manifest list",
        seed::REPOSITORY,
        seed::DOCKER_LIST_TAG,
        seeded.docker_list_digest
    );
    for (tag, digest) in &seeded.children {
        println!(
            "            {host}/{}:{tag}  {digest}  (also {}:{tag})",
            seed::REPOSITORY,
            seed::PARTS_REPOSITORY
        );
    }
}

/// Runs until Ctrl-C.
pub async fn run(options: Options) -> Result<(), ServeError> {
    let started = Instant::now();
    let config = ServerConfig {
        dist: options.dist.clone(),
        allow_http: options.proxy_allow_http.clone(),
        cors_origins: options.cors_origin.clone(),
        allow_hosts: options.allow_host.clone(),
    };
    if !options.listen.is_loopback() {
        eprintln!("warning: listening on {}, which is not a loopback address: other machines can use the app, the proxy and, through it, the local registry", options.listen);
    }
    if options.cors_origin.iter().any(|o| o.trim() == "*") {
        eprintln!("warning: --cors-origin '*': every web site open in a browser on this machine may use the proxy");
    }
    let server = server::start(&config, SocketAddr::new(options.listen, options.port)).await?;
    let app = server.url();

    let mut registry = None;
    let mut seeded = None;
    let mut registry_ms = 0;
    let mut seed_ms = 0;
    if !options.no_registry {
        let registry_started = Instant::now();
        let registry_options = RegistryOptions {
            program: options.registry_bin.clone(),
            port: options.registry_port,
            // The address the app's examples and placeholders use, when it is free.
            preferred_port: Some(5000),
            data: options.registry_data.clone(),
            token_auth: None,
        };
        match LocalRegistry::start(&registry_options).await {
            Ok(started) => registry = Some(started),
            Err(RegistryError::NotInstalled(program)) => {
                eprintln!("note: no local registry: `{program}` is not installed (apt-get install docker-registry); serving the app without it");
            }
            Err(error) => eprintln!("note: no local registry: {error}"),
        }
        registry_ms = registry_started.elapsed().as_millis();
        if let (Some(registry), false) = (&registry, options.no_seed) {
            let seed_started = Instant::now();
            match reqwest::Client::builder().build() {
                Ok(client) => match seed::seed(client, registry.url()).await {
                    Ok(s) => seeded = Some(s),
                    Err(error) => eprintln!("note: the sample image was not pushed: {error}"),
                },
                Err(error) => eprintln!("note: the sample image was not pushed: {error}"),
            }
            seed_ms = seed_started.elapsed().as_millis();
        }
    }

    print_summary(
        &app,
        options.dist.join("index.html").is_file(),
        &options,
        registry.as_ref(),
        seeded.as_ref(),
    );
    println!(
        "  ready in {} ms (registry {registry_ms} ms, sample {seed_ms} ms). Press Ctrl-C to stop.",
        started.elapsed().as_millis()
    );

    shutdown_signal().await;
    println!("stopping");
    server.stop().await;
    if let Some(registry) = registry {
        registry.stop().await;
    }
    println!("stopped");
    Ok(())
}
