//! Registry calls. Each one drives an operation of the registry protocol crate (a sans-IO state
//! machine): take its requests, send them with gloo-net (through the same-origin proxy when one
//! is set), hand the responses back, and finish with an `Action::…Finished(Result<…>)`. Nothing
//! here is kept beyond the call: credentials live in [`RegistrySettings`], in memory.

use crate::state::{Action, DocumentContext, Failure, Fetched, PlanStep, Pushed};
use indexsmith::compose::{Child, Edit};
use indexsmith_registry::ops::{
    ChildAction, FetchManifest, Inspect, ListTags, PushPlan, Transfer, TransferOutput,
};
use indexsmith_registry::reference::is_loopback;
use indexsmith_registry::{
    Body, Credentials, Event, ImageRef, Operation, RegistryError, Repository, Request, RequestId,
    Response, Session, SessionConfig,
};
use std::collections::HashMap;

/// How to reach registries, kept in memory only (never in the URL or storage).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RegistrySettings {
    /// Path prefix of a same-origin proxy (`/proxy` → `/proxy/<host>/v2/…`, token realms under
    /// `/proxy-token/<host>/…`); empty to call registries directly (they must allow CORS).
    pub proxy: String,
    pub username: String,
    pub password: String,
}

impl From<RegistryError> for Failure {
    fn from(e: RegistryError) -> Self {
        Failure::new(e.code(), e.to_string())
    }
}

fn parse_reference(reference: &str) -> Result<ImageRef, Failure> {
    reference.trim().parse::<ImageRef>().map_err(|e| {
        Failure::new(
            "reference/invalid",
            format!("{reference:?} is not a valid reference: {e}"),
        )
    })
}

/// Where a request goes: through the proxy (`<proxy>/<host>/v2/…` for the API,
/// `<proxy>-token/<host>/…` for token realms), or unchanged without one.
pub fn proxied_url(url: &str, proxy: &str) -> String {
    let proxy = proxy.trim().trim_end_matches('/');
    if proxy.is_empty() {
        return url.to_owned();
    }
    let Some((_, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    if path.starts_with("/v2/") || path == "/v2" {
        format!("{proxy}/{authority}{path}")
    } else {
        format!("{proxy}-token/{authority}{path}")
    }
}

/// The header every request through the proxy carries: `indexsmith-serve` answers only requests
/// that have it (a page of another site cannot add it without the proxy's consent).
pub const PROXY_PROOF_HEADER: (&str, &str) = ("Indexsmith-Proxy", "1");

/// The auth-scheme `indexsmith-serve` gives `Basic` challenges so that the browser shows no login
/// prompt of its own; read as `Basic` again.
const MASKED_BASIC: &str = "Indexsmith-Basic";

/// A `WWW-Authenticate` value with the proxy's masked `Basic` scheme named `Basic` again.
pub fn unmasked_challenge(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(at) = rest
        .to_ascii_lowercase()
        .find(&MASKED_BASIC.to_ascii_lowercase())
    {
        let starts_challenge =
            rest[..at].trim_end().is_empty() || rest[..at].trim_end().ends_with(',');
        out.push_str(&rest[..at]);
        out.push_str(if starts_challenge {
            "Basic"
        } else {
            &rest[at..at + MASKED_BASIC.len()]
        });
        rest = &rest[at + MASKED_BASIC.len()..];
    }
    out.push_str(rest);
    out
}

/// Undoes the proxy's rewriting of `Location`, `Link` and `WWW-Authenticate` values, so the
/// protocol machine sees the registry's own URLs (and keeps credentials scoped to the right host).
/// `origin` is the page's origin (`http://127.0.0.1:8080`).
pub fn unproxied(value: &str, origin: &str, proxy: &str) -> String {
    let proxy = proxy.trim().trim_end_matches('/');
    if proxy.is_empty() {
        return value.to_owned();
    }
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    let prefixes = [
        format!("{origin}{proxy}-token/"),
        format!("{origin}{proxy}/"),
    ];
    loop {
        let hit = prefixes
            .iter()
            .filter_map(|p| rest.find(p.as_str()).map(|i| (i, p.len())))
            .min_by_key(|(i, _)| *i);
        let Some((at, len)) = hit else {
            out.push_str(rest);
            return out;
        };
        out.push_str(&rest[..at]);
        let after = &rest[at + len..];
        let end = after
            .find(|c: char| c == '/' || c == '"' || c == '>' || c == ',' || c.is_whitespace())
            .unwrap_or(after.len());
        let authority = &after[..end];
        let scheme = if is_loopback(authority) {
            "http"
        } else {
            "https"
        };
        out.push_str(&format!("{scheme}://{authority}"));
        rest = &after[end..];
    }
}

/// A plan for the page: one step per child (`present`, `manifest`, `mount`, `copy`).
pub fn plan_steps(plan: &PushPlan) -> Vec<PlanStep> {
    let mut steps: Vec<PlanStep> = plan
        .children
        .iter()
        .map(|c| {
            let platform = c
                .platform
                .as_ref()
                .map(|p| format!("{p} — "))
                .unwrap_or_default();
            let (action, detail) = match &c.action {
                ChildAction::Present => ("present", "already in the target".to_owned()),
                ChildAction::ManifestOnly => (
                    "manifest",
                    format!("all {} blobs present; only the manifest is pushed", c.blobs),
                ),
                ChildAction::Mount { from } => (
                    "mount",
                    format!(
                        "{} blob(s), {} bytes mounted from {from}",
                        c.blobs_to_mount, c.bytes_to_mount
                    ),
                ),
                ChildAction::Copy { from } => (
                    "copy",
                    format!(
                        "{} blob(s), {} bytes copied from {from}",
                        c.blobs_to_copy + c.blobs_to_mount,
                        c.bytes_to_copy + c.bytes_to_mount
                    ),
                ),
            };
            PlanStep {
                digest: c.digest.to_string(),
                action: action.to_owned(),
                detail: format!("{platform}{detail}"),
            }
        })
        .collect();
    if steps.iter().any(|s| s.digest == plan.digest.to_string()) {
        // The machine already reported the root itself (present: nothing below it is checked).
        return steps;
    }
    steps.push(PlanStep {
        digest: plan.digest.to_string(),
        action: if plan.root_present { "present" } else { "push" }.to_owned(),
        detail: if plan.root_present {
            "the index itself is already there; only the tag is set".into()
        } else {
            "the index itself, last, by tag".into()
        },
    });
    steps
}

fn event_line(e: &Event) -> String {
    match e {
        Event::ManifestFetched { digest, .. } => format!("fetched {digest}"),
        Event::ManifestPresent { digest } => format!("present {digest}"),
        Event::ManifestPushed { digest, tag } => format!(
            "pushed {digest}{}",
            tag.as_ref().map(|t| format!(" as {t}")).unwrap_or_default()
        ),
        Event::BlobPresent { digest, .. } => format!("blob present {digest}"),
        Event::BlobMounted { digest, from, .. } => format!("blob mounted {digest} from {from}"),
        Event::BlobProgress {
            digest,
            sent,
            total,
        } => format!("blob {digest}: {sent}/{total} bytes"),
        Event::BlobUploaded { digest, size } => format!("blob uploaded {digest} ({size} bytes)"),
        #[allow(unreachable_patterns)]
        _ => format!("{e:?}"),
    }
}

fn session_for(settings: &RegistrySettings, registry: &str) -> Session {
    let mut session = Session::new(SessionConfig::default());
    if !settings.username.is_empty() {
        session.set_credentials(
            registry,
            Credentials::new(settings.username.clone(), settings.password.clone()),
        );
    }
    session
}

fn now() -> u64 {
    #[cfg(target_arch = "wasm32")]
    {
        (js_sys::Date::now() / 1000.0) as u64
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        0
    }
}

fn page_origin() -> String {
    crate::services::browser::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default()
}

/// Sends one request; the answer comes back with every header and the whole body.
async fn send(
    request: &Request,
    body: Option<Vec<u8>>,
    proxy: &str,
    origin: &str,
) -> Result<Response, indexsmith_registry::TransportFailure> {
    use gloo_net::http::{Method, RequestBuilder};
    use indexsmith_registry::{FailureKind, TransportFailure};
    let method = match request.method {
        indexsmith_registry::Method::Get => Method::GET,
        indexsmith_registry::Method::Head => Method::HEAD,
        indexsmith_registry::Method::Post => Method::POST,
        indexsmith_registry::Method::Put => Method::PUT,
        indexsmith_registry::Method::Patch => Method::PATCH,
        indexsmith_registry::Method::Delete => Method::DELETE,
    };
    let url = proxied_url(&request.url, proxy);
    let mut builder = RequestBuilder::new(&url).method(method);
    for (k, v) in &request.headers {
        builder = builder.header(k, v);
    }
    if url != request.url {
        builder = builder.header(PROXY_PROOF_HEADER.0, PROXY_PROOF_HEADER.1);
    }
    let built = match body {
        Some(bytes) => builder.body(js_sys::Uint8Array::from(bytes.as_slice())),
        None => builder.build(),
    };
    let built = built.map_err(|e| TransportFailure::new(FailureKind::Network, e.to_string()))?;
    let cross_origin = !url.starts_with('/') && !url.starts_with(origin);
    let response = built.send().await.map_err(|e| {
        let kind = if cross_origin {
            FailureKind::CorsBlocked
        } else {
            FailureKind::Network
        };
        TransportFailure::new(kind, e.to_string())
    })?;
    let mut out = Response::new(response.status());
    for (k, v) in response.headers().entries() {
        let v = match k.as_str() {
            "location" | "link" => unproxied(&v, origin, proxy),
            "www-authenticate" => unmasked_challenge(&unproxied(&v, origin, proxy)),
            _ => v,
        };
        out = out.with_header(k, v);
    }
    let bytes = response
        .binary()
        .await
        .map_err(|e| TransportFailure::new(FailureKind::Network, e.to_string()))?;
    Ok(out.with_body(bytes))
}

/// Runs an operation to its end: every request it hands out is sent (a batch at a time,
/// concurrently), every answer handed back; progress events go to `on_event`.
async fn drive<O: Operation>(
    op: &mut O,
    session: &mut Session,
    settings: &RegistrySettings,
    mut on_event: impl FnMut(Event),
) -> Result<O::Output, RegistryError> {
    let proxy = settings.proxy.clone();
    let origin = page_origin();
    // Bodies of answers to `stream_response` requests, for later `Body::Stream` uploads.
    let mut held: HashMap<RequestId, Vec<u8>> = HashMap::new();
    loop {
        let mut batch = Vec::new();
        while let Some(r) = op.poll_request(session, now()) {
            batch.push(r);
        }
        while let Some(e) = op.poll_event() {
            on_event(e);
        }
        if let Some(output) = op.poll_output() {
            if output.is_err() {
                clean_up(op, session, batch, &proxy, &origin).await;
            }
            return output;
        }
        if batch.is_empty() {
            return Err(RegistryError::new(
                indexsmith_registry::ErrorKind::InvalidResponse,
                "the operation stopped without a result",
            ));
        }
        let mut sends = Vec::with_capacity(batch.len());
        let mut refused = Vec::new();
        for r in &batch {
            let body = match &r.body {
                Body::Empty | Body::Held => None,
                Body::Bytes(b) => Some(b.clone()),
                Body::Stream {
                    source,
                    offset,
                    len,
                } => {
                    let chunk = held
                        .get(source)
                        .and_then(|b| b.get(*offset as usize..(*offset + *len) as usize))
                        .map(<[u8]>::to_vec)
                        .unwrap_or_default();
                    if let Err(e) = op.handle_stream_data(*source, &chunk) {
                        refused.push(e);
                        continue;
                    }
                    Some(chunk)
                }
            };
            let (proxy, origin) = (proxy.as_str(), origin.as_str());
            sends.push(async move { (r, send(r, body, proxy, origin).await) });
        }
        if let Some(e) = refused.into_iter().next() {
            return Err(e);
        }
        for (r, result) in futures::future::join_all(sends).await {
            match result {
                Ok(response) => {
                    if r.stream_response {
                        held.insert(r.id, response.body.bytes().to_vec());
                    }
                    op.handle_response(session, r.id, response, now());
                }
                Err(failure) => op.handle_failure(session, r.id, failure, now()),
            }
        }
    }
}

/// After an operation failed: sends what it still hands out (the DELETEs that cancel the upload
/// sessions it opened), best effort, and ignores the answers' contents.
async fn clean_up<O: Operation>(
    op: &mut O,
    session: &mut Session,
    mut batch: Vec<Request>,
    proxy: &str,
    origin: &str,
) {
    // Each round answers the requests handed out; an operation hands out no more than one round
    // of DELETEs, so the bound is only a guard.
    for _ in 0..4 {
        if batch.is_empty() {
            return;
        }
        let sends = batch
            .iter()
            .filter(|r| matches!(r.body, Body::Empty))
            .map(|r| async move { (r, send(r, None, proxy, origin).await) });
        for (r, result) in futures::future::join_all(sends).await {
            match result {
                Ok(response) => op.handle_response(session, r.id, response, now()),
                Err(failure) => op.handle_failure(session, r.id, failure, now()),
            }
        }
        batch.clear();
        while let Some(r) = op.poll_request(session, now()) {
            batch.push(r);
        }
    }
}

async fn fetch(settings: &RegistrySettings, reference: &str) -> Result<Fetched, Failure> {
    let image = parse_reference(reference)?;
    let mut session = session_for(settings, &image.repository.registry);
    let mut op = FetchManifest::new(&session, &image.repository, image.manifest_ref());
    let manifest = drive(&mut op, &mut session, settings, |_| {}).await?;
    let text = String::from_utf8(manifest.bytes)
        .map_err(|_| Failure::new("document/not-utf8", "the manifest is not UTF-8 text"))?;
    Ok(Fetched {
        reference: image.to_string(),
        text,
        digest: manifest.digest.to_string(),
    })
}

/// Fetches a document and loads it into the editor.
pub fn fetch_document(ctx: DocumentContext, settings: RegistrySettings, reference: String) {
    ctx.dispatch(Action::FetchStarted);
    yew::platform::spawn_local(async move {
        ctx.dispatch(Action::FetchFinished(fetch(&settings, &reference).await));
    });
}

/// Fetches another index for the diff.
pub fn compare_with(ctx: DocumentContext, settings: RegistrySettings, reference: String) {
    ctx.dispatch(Action::CompareStarted);
    yew::platform::spawn_local(async move {
        ctx.dispatch(Action::CompareFinished(fetch(&settings, &reference).await));
    });
}

/// Fetches a child manifest and its config, and adds its entry (platform from the config).
pub fn add_child_by_reference(ctx: DocumentContext, settings: RegistrySettings, reference: String) {
    ctx.dispatch(Action::ChildStarted);
    yew::platform::spawn_local(async move {
        let result = async {
            let image = parse_reference(&reference)?;
            let mut session = session_for(&settings, &image.repository.registry);
            let mut op = Inspect::new(&session, &image.repository, image.manifest_ref());
            let inspection = drive(&mut op, &mut session, &settings, |_| {}).await?;
            let Some(summary) = inspection.image else {
                return Err(Failure::new(
                    "compose/nested-index",
                    "that reference is an index; add an image manifest (pick a child by digest)",
                ));
            };
            let mut child = Child::new(inspection.manifest.bytes.clone());
            if let Some(p) = summary.config_platform.clone() {
                child = child.with_platform(p);
            }
            Ok((
                Fetched {
                    reference: image.to_string(),
                    text: String::from_utf8_lossy(&inspection.manifest.bytes).into_owned(),
                    digest: inspection.manifest.digest.to_string(),
                },
                child,
            ))
        }
        .await;
        match result {
            Ok((fetched, child)) => {
                ctx.dispatch(Action::Edit(Edit::Add {
                    child,
                    position: None,
                }));
                ctx.dispatch(Action::ChildFinished(Ok(fetched)));
            }
            Err(f) => ctx.dispatch(Action::ChildFinished(Err(f))),
        }
    });
}

fn parse_repository(input: &str) -> Result<Repository, Failure> {
    Ok(parse_reference(input)?.repository)
}

/// Lists the tags of a repository.
pub fn list_tags(ctx: DocumentContext, settings: RegistrySettings, repository: String) {
    ctx.dispatch(Action::TagsStarted);
    yew::platform::spawn_local(async move {
        let result = async {
            let repo = parse_repository(&repository)?;
            let mut session = session_for(&settings, &repo.registry);
            let mut op = ListTags::new(&session, &repo, None);
            let tags = drive(&mut op, &mut session, &settings, |_| {}).await?;
            Ok((repo.to_string(), tags))
        }
        .await;
        ctx.dispatch(Action::TagsFinished(result));
    });
}

/// What a push needs: the target, its tag, and where children come from: the repositories in
/// `sources`, separated by commas or spaces, tried in that order for each missing child.
fn push_target(
    reference: &str,
    sources: &str,
) -> Result<(Repository, Option<String>, Vec<Repository>), Failure> {
    let target = parse_reference(reference)?;
    if target.digest.is_some() {
        return Err(Failure::new(
            "reference/digest",
            "push to a tag (repository:tag), not to a digest",
        ));
    }
    let sources = sources
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(parse_repository)
        .collect::<Result<Vec<_>, _>>()?;
    Ok((
        target.repository,
        Some(target.tag.unwrap_or_else(|| "latest".into())),
        sources,
    ))
}

/// Works out what a push would do (present / mount / copy per child), without writing.
pub fn plan_push(
    ctx: DocumentContext,
    settings: RegistrySettings,
    reference: String,
    source: String,
) {
    ctx.dispatch(Action::PlanStarted);
    let (bytes, media_type) = (
        ctx.text.clone().into_bytes(),
        ctx.analysis.report.media_type.clone().unwrap_or_default(),
    );
    yew::platform::spawn_local(async move {
        let result = async {
            let (target, tag, source) = push_target(&reference, &source)?;
            let mut session = session_for(&settings, &target.registry);
            let mut op = Transfer::plan(&session, &target, tag, bytes, &media_type, source);
            match drive(&mut op, &mut session, &settings, |_| {}).await? {
                TransferOutput::Plan(plan) => Ok(plan_steps(&plan)),
                TransferOutput::Pushed(_) => {
                    Err(Failure::new("INVALID_RESPONSE", "the dry run pushed"))
                }
            }
        }
        .await;
        ctx.dispatch(Action::PlanFinished(result));
    });
}

/// Pushes the exact bytes of the document, children first, and checks the digest the registry
/// returns against the digest of those bytes.
pub fn push(ctx: DocumentContext, settings: RegistrySettings, reference: String, source: String) {
    ctx.dispatch(Action::PushStarted);
    let bytes = ctx.text.clone().into_bytes();
    let media_type = ctx.analysis.report.media_type.clone().unwrap_or_default();
    let local = ctx.analysis.report.digest.to_string();
    yew::platform::spawn_local(async move {
        let progress = ctx.clone();
        let result = async {
            let (target, tag, source) = push_target(&reference, &source)?;
            let mut session = session_for(&settings, &target.registry);
            let mut op = Transfer::push(&session, &target, tag.clone(), bytes, &media_type, source);
            let output = drive(&mut op, &mut session, &settings, |e| {
                progress.dispatch(Action::PushProgress(event_line(&e)))
            })
            .await?;
            match output {
                TransferOutput::Pushed(report) => {
                    let digest = report.digest.map(|d| d.to_string()).unwrap_or_default();
                    Ok(Pushed {
                        reference: format!("{target}:{}", tag.unwrap_or_default()),
                        verified: digest == local,
                        digest,
                    })
                }
                TransferOutput::Plan(_) => {
                    Err(Failure::new("INVALID_RESPONSE", "the push only planned"))
                }
            }
        }
        .await;
        ctx.dispatch(Action::PushFinished(result));
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_go_through_the_proxy() {
        let cases = [
            ("api through proxy", "http://127.0.0.1:5000/v2/sample/hello/manifests/latest", "/proxy", "/proxy/127.0.0.1:5000/v2/sample/hello/manifests/latest"),
            ("query kept", "https://ghcr.io/v2/a/b/tags/list?n=100&last=x", "/proxy/", "/proxy/ghcr.io/v2/a/b/tags/list?n=100&last=x"),
            ("token realm", "https://auth.docker.io/token?service=registry.docker.io&scope=repository:library/alpine:pull", "/proxy", "/proxy-token/auth.docker.io/token?service=registry.docker.io&scope=repository:library/alpine:pull"),
            ("no proxy: direct", "http://localhost:5000/v2/", "", "http://localhost:5000/v2/"),
            ("absolute proxy", "http://localhost:5000/v2/", "http://127.0.0.1:8080/proxy", "http://127.0.0.1:8080/proxy/localhost:5000/v2/"),
        ];
        for (name, url, proxy, expected) in cases {
            assert_eq!(proxied_url(url, proxy), expected, "{name}");
        }
    }

    #[test]
    fn proxy_rewrites_are_undone_and_round_trip() {
        let origin = "http://127.0.0.1:8080";
        let cases = [
            ("location", "http://127.0.0.1:8080/proxy/127.0.0.1:5000/v2/s/h/blobs/uploads/abc?_state=x", "http://127.0.0.1:5000/v2/s/h/blobs/uploads/abc?_state=x"),
            ("link", "<http://127.0.0.1:8080/proxy/ghcr.io/v2/a/tags/list?last=b&n=1>; rel=\"next\"", "<https://ghcr.io/v2/a/tags/list?last=b&n=1>; rel=\"next\""),
            ("challenge", "Bearer realm=\"http://127.0.0.1:8080/proxy-token/auth.docker.io/token\",service=\"registry.docker.io\"", "Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\""),
            ("untouched", "/v2/s/h/blobs/uploads/abc", "/v2/s/h/blobs/uploads/abc"),
        ];
        for (name, value, expected) in cases {
            assert_eq!(unproxied(value, origin, "/proxy"), expected, "{name}");
        }
        // A URL the machine sees, sent through the proxy, then rewritten back, is the same URL.
        let url = "http://127.0.0.1:5000/v2/s/h/blobs/uploads/abc";
        let there = format!("{origin}{}", proxied_url(url, "/proxy"));
        assert_eq!(unproxied(&there, origin, "/proxy"), url);
    }

    #[test]
    fn masked_basic_challenges_read_as_basic() {
        let cases = [
            (
                "masked",
                r#"Indexsmith-Basic realm="r""#,
                r#"Basic realm="r""#,
            ),
            (
                "after a bearer",
                r#"Bearer realm="x", Indexsmith-Basic realm="r""#,
                r#"Bearer realm="x", Basic realm="r""#,
            ),
            (
                "in a value, kept",
                r#"Bearer realm="Indexsmith-Basic""#,
                r#"Bearer realm="Indexsmith-Basic""#,
            ),
            (
                "bearer untouched",
                r#"Bearer realm="https://a/t""#,
                r#"Bearer realm="https://a/t""#,
            ),
        ];
        for (name, value, expected) in cases {
            assert_eq!(unmasked_challenge(value), expected, "{name}");
        }
    }

    fn child(hex: char, action: ChildAction) -> indexsmith_registry::ops::ChildPlan {
        indexsmith_registry::ops::ChildPlan {
            digest: format!("sha256:{}", hex.to_string().repeat(64))
                .parse()
                .expect("digest"),
            media_type: "application/vnd.oci.image.manifest.v1+json".into(),
            platform: Some(indexsmith::Platform::new("linux", "arm64")),
            action,
            source: None,
            blobs: 3,
            blobs_present: 1,
            blobs_to_mount: 2,
            blobs_to_copy: 0,
            bytes_to_mount: 700,
            bytes_to_copy: 0,
        }
    }

    #[test]
    fn plan_steps_name_each_child_and_the_root() {
        let from = Repository::new("127.0.0.1:5000", "sample/parts");
        let root: indexsmith::Digest = format!("sha256:{}", "f".repeat(64))
            .parse()
            .expect("digest");
        let plan = |children, root_present| PushPlan {
            digest: root.clone(),
            media_type: "application/vnd.oci.image.index.v1+json".into(),
            root_present,
            children,
            blobs_present: 0,
            blobs_to_mount: 0,
            blobs_to_copy: 0,
            bytes_to_mount: 0,
            bytes_to_copy: 0,
        };
        let cases = [
            (
                "one of each",
                plan(
                    vec![
                        child('a', ChildAction::Present),
                        child('b', ChildAction::ManifestOnly),
                        child('c', ChildAction::Mount { from: from.clone() }),
                        child('d', ChildAction::Copy { from: from.clone() }),
                    ],
                    false,
                ),
                vec!["present", "manifest", "mount", "copy", "push"],
            ),
            ("root already there", plan(vec![], true), vec!["present"]),
            (
                "root reported as its own child",
                plan(vec![child('f', ChildAction::Present)], true),
                vec!["present"],
            ),
        ];
        for (name, plan, expected) in cases {
            let steps = plan_steps(&plan);
            let actions: Vec<&str> = steps.iter().map(|s| s.action.as_str()).collect();
            assert_eq!(actions, expected, "{name}");
            assert_eq!(
                steps.last().map(|s| s.digest.clone()),
                Some(root.to_string()),
                "{name}: the root comes last"
            );
        }
        let mount = &plan_steps(&plan(
            vec![child('c', ChildAction::Mount { from: from.clone() })],
            false,
        ))[0];
        assert!(
            mount.detail.contains("linux/arm64")
                && mount.detail.contains("sample/parts")
                && mount.detail.contains("700 bytes"),
            "{}",
            mount.detail
        );
    }

    #[test]
    fn push_targets() {
        let ok = push_target(
            "localhost:5000/sample/hello:multi",
            "localhost:5000/sample/hello",
        )
        .expect("valid");
        assert_eq!(ok.0, Repository::new("localhost:5000", "sample/hello"));
        assert_eq!(ok.1.as_deref(), Some("multi"));
        assert_eq!(
            ok.2,
            vec![Repository::new("localhost:5000", "sample/hello")]
        );
        let two = push_target(
            "localhost:5000/app:1",
            " localhost:5000/app-amd64, localhost:5000/app-arm64 ",
        )
        .expect("valid");
        assert_eq!(
            two.2,
            vec![
                Repository::new("localhost:5000", "app-amd64"),
                Repository::new("localhost:5000", "app-arm64")
            ]
        );
        let untagged = push_target("localhost:5000/sample/hello", "").expect("valid");
        assert_eq!(
            (untagged.1.as_deref(), untagged.2),
            (Some("latest"), Vec::new())
        );
        assert!(
            push_target("localhost:5000/app:1", "localhost:5000/a, UPPER/case").is_err(),
            "a bad source is refused"
        );
        let cases = [("by digest", "localhost:5000/a@sha256:0000000000000000000000000000000000000000000000000000000000000000", "reference/digest"), ("bad", "UPPER/case", "reference/invalid")];
        for (name, reference, code) in cases {
            assert_eq!(
                push_target(reference, "").err().map(|f| f.code),
                Some(code.to_owned()),
                "{name}"
            );
        }
    }
}
