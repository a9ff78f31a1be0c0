//! Properties a real registry cannot show on demand: bodies stream through the proxy in both
//! directions (a blob is never held whole), and a redirect of a blob download to a storage host
//! is followed by the proxy without the client's credentials. A small upstream on 127.0.0.1 plays the registry
//! and decides when each chunk is sent.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::response::Response;
use axum::routing::{get, put};
use axum::Router;
use bytes::Bytes;
use common::client;
use futures_util::StreamExt;
use tokio::sync::{mpsc, oneshot};

/// A hang guard: the test fails instead of waiting forever if the proxy holds a body back.
const GUARD: Duration = Duration::from_secs(60);

#[derive(Default)]
struct Upstream {
    /// Released when the client has seen the first chunk of the download.
    release_download: Mutex<Option<oneshot::Receiver<()>>>,
    /// Told when the upload's first chunk arrived upstream.
    first_upload_chunk: Mutex<Option<oneshot::Sender<Bytes>>>,
    /// Authorization headers seen, by server.
    seen_by_registry: Mutex<Vec<String>>,
    seen_by_storage: Mutex<Vec<String>>,
    storage_url: Mutex<String>,
}

fn authorization(request: &Request) -> String {
    request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("<none>")
        .to_string()
}

async fn download(State(up): State<Arc<Upstream>>) -> Response {
    let release = up
        .release_download
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .take();
    let stream = futures_util::stream::once(async {
        Ok::<_, std::io::Error>(Bytes::from_static(b"first chunk;"))
    })
    .chain(futures_util::stream::once(async move {
        if let Some(release) = release {
            let _ = release.await;
        }
        Ok(Bytes::from_static(b"second chunk"))
    }));
    Response::new(Body::from_stream(stream))
}

async fn upload(State(up): State<Arc<Upstream>>, request: Request) -> Response {
    let mut body = request.into_body().into_data_stream();
    let mut received = Vec::new();
    let mut told = up
        .first_upload_chunk
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .take();
    while let Some(chunk) = body.next().await {
        let Ok(chunk) = chunk else { break };
        if let Some(tell) = told.take() {
            let _ = tell.send(chunk.clone());
        }
        received.extend_from_slice(&chunk);
    }
    let mut response = Response::new(Body::from(received));
    *response.status_mut() = StatusCode::CREATED;
    response
}

async fn redirect(State(up): State<Arc<Upstream>>, request: Request) -> Response {
    up.seen_by_registry
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .push(authorization(&request));
    let location = up
        .storage_url
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    let mut response = Response::new(Body::empty());
    *response.status_mut() = StatusCode::TEMPORARY_REDIRECT;
    if let Ok(value) = location.parse() {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

async fn storage(State(up): State<Arc<Upstream>>, request: Request) -> Response {
    up.seen_by_storage
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .push(authorization(&request));
    Response::new(Body::from("blob from storage"))
}

/// Serves `router` on a free port of 127.0.0.1 until dropped.
struct Served {
    port: u16,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Served {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(router: Router) -> Served {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let port = listener
        .local_addr()
        .unwrap_or_else(|e| panic!("{e}"))
        .port();
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    Served { port, task }
}

async fn upstream(state: Arc<Upstream>) -> Served {
    serve(
        Router::new()
            .route("/v2/stream/blobs/{digest}", get(download))
            .route("/v2/stream/blobs/uploads/{id}", put(upload))
            .route("/v2/redirected/blobs/{digest}", get(redirect))
            .with_state(state),
    )
    .await
}

#[tokio::test]
async fn downloads_stream_through_the_proxy() {
    let state = Arc::new(Upstream::default());
    let (release, released) = oneshot::channel();
    *state
        .release_download
        .lock()
        .unwrap_or_else(|p| p.into_inner()) = Some(released);
    let upstream = upstream(state).await;
    let server = common::server(std::path::Path::new("no-such-dist")).await;
    let url = format!(
        "{}/proxy/127.0.0.1:{}/v2/stream/blobs/sha256:0",
        server.url(),
        upstream.port
    );
    let mut response = client()
        .get(url)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(response.status(), 200);
    // The upstream has not finished: the first chunk arrives only if the proxy streams.
    let first = tokio::time::timeout(GUARD, response.chunk())
        .await
        .unwrap_or_else(|_| panic!("the proxy held the download back"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(first.as_deref(), Some(&b"first chunk;"[..]));
    let _ = release.send(());
    let mut rest = Vec::new();
    while let Some(chunk) = response.chunk().await.unwrap_or_else(|e| panic!("{e}")) {
        rest.extend_from_slice(&chunk);
    }
    assert_eq!(rest, b"second chunk");
}

#[tokio::test]
async fn uploads_stream_through_the_proxy() {
    let state = Arc::new(Upstream::default());
    let (tell, first_arrived) = oneshot::channel();
    *state
        .first_upload_chunk
        .lock()
        .unwrap_or_else(|p| p.into_inner()) = Some(tell);
    let upstream = upstream(state).await;
    let server = common::server(std::path::Path::new("no-such-dist")).await;
    let url = format!(
        "{}/proxy/127.0.0.1:{}/v2/stream/blobs/uploads/u1?digest=sha256:0",
        server.url(),
        upstream.port
    );
    let (send, receive) = mpsc::channel::<Result<Bytes, std::io::Error>>(1);
    let body = reqwest::Body::wrap_stream(tokio_stream(receive));
    let request = tokio::spawn(client().put(url).body(body).send());
    send.send(Ok(Bytes::from_static(b"part one;")))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    // The client has not finished: the upstream sees the first part only if the proxy streams.
    let first = tokio::time::timeout(GUARD, first_arrived)
        .await
        .unwrap_or_else(|_| panic!("the proxy held the upload back"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(first.as_ref(), b"part one;");
    send.send(Ok(Bytes::from_static(b"part two")))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    drop(send);
    let response = request
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(response.status(), 201);
    assert_eq!(
        response.bytes().await.unwrap_or_default().as_ref(),
        b"part one;part two"
    );
}

/// An mpsc receiver as a stream.
fn tokio_stream<T: Send + 'static>(
    mut receive: mpsc::Receiver<T>,
) -> impl futures_util::Stream<Item = T> {
    futures_util::stream::poll_fn(move |cx| receive.poll_recv(cx))
}

#[tokio::test]
async fn redirects_to_storage_are_followed_without_credentials() {
    let state = Arc::new(Upstream::default());
    let storage_server = serve(
        Router::new()
            .route("/bucket/blob", get(storage))
            .with_state(state.clone()),
    )
    .await;
    // Another host name for the same machine, so the redirect crosses origins.
    *state.storage_url.lock().unwrap_or_else(|p| p.into_inner()) =
        format!("http://localhost:{}/bucket/blob", storage_server.port);
    let upstream = upstream(state.clone()).await;
    // Storage on loopback is reached only when named with --proxy-allow-http (a storage host on
    // the internet is reached over HTTPS).
    let mut config = common::config(std::path::Path::new("no-such-dist"));
    config.allow_http = vec![format!("localhost:{}", storage_server.port)];
    let server = common::server_with(&config).await;
    let url = format!(
        "{}/proxy/127.0.0.1:{}/v2/redirected/blobs/sha256:0",
        server.url(),
        upstream.port
    );
    let response = client()
        .get(url)
        .bearer_auth("secret-token")
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.text().await.unwrap_or_default(),
        "blob from storage"
    );
    assert_eq!(
        *state
            .seen_by_registry
            .lock()
            .unwrap_or_else(|p| p.into_inner()),
        vec!["Bearer secret-token".to_string()]
    );
    assert_eq!(
        *state
            .seen_by_storage
            .lock()
            .unwrap_or_else(|p| p.into_inner()),
        vec!["<none>".to_string()]
    );
}
