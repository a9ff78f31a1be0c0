//! Registry calls. The page's functions (`fetch_document`, `push`, …) send a request to the
//! registry module ([`remote`]: a second WebAssembly module, loaded on the first call) and finish
//! with an `Action::…Finished(Result<…>)`. There the operations (`fetch`, `transfer`, …) run the
//! registry protocol crate with its driver over gloo-net ([`transport`]), through the same-origin
//! proxy when one is set (a session setting: the driver rewrites requests into it and undoes its
//! rewriting of answers). Nothing is kept beyond the call: credentials live in
//! [`RegistrySettings`], in memory, and go to the target's registry only.

pub mod transport;

use super::remote;
use super::wire::{FetchedChild, PushRequest, Request};
use crate::state::{Action, DocumentContext, Failure, Fetched, PlanStep, PushPlanView, Pushed};
use indexsmith::compose::{Child, Edit};
use indexsmith_registry::driver::Driver;
use indexsmith_registry::ops::{
    ChildAction, FetchManifest, Inspect, PushPlan, Transfer, TransferOutput,
};
use indexsmith_registry::{
    Credentials, Event, ManifestRef, Operation, Proxy, Reference, RegistryError, Repository,
    Session, SessionConfig,
};

/// How to reach registries, kept in memory only (never in the URL or storage).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RegistrySettings {
    /// Path prefix of a same-origin proxy (`/proxy` → `/proxy/<host>/v2/…`, token realms under
    /// `/proxy-token/<host>/…`); empty to call registries directly (they must allow CORS).
    pub proxy: String,
    pub username: String,
    pub password: String,
}

/// A reference as Docker reads it (`alpine` is `docker.io/library/alpine`, served by
/// `registry-1.docker.io`), refused with the core's stable `reference/*` code.
pub(crate) fn parse_reference(reference: &str) -> Result<ImageTarget, Failure> {
    let parsed = reference.trim().parse::<Reference>().map_err(|e| {
        Failure::new(
            e.code(),
            format!("{reference:?} is not a valid reference: {e}"),
        )
    })?;
    Ok(ImageTarget {
        repository: Repository::from(&parsed),
        manifest: ManifestRef::from(&parsed),
        tag: parsed.tag.clone(),
        digest: parsed.digest.clone(),
        reference: parsed,
    })
}

/// A parsed reference as the calls use it: the repository, what to fetch, the tag and digest
/// as written.
#[derive(Clone, Debug)]
pub(crate) struct ImageTarget {
    pub repository: Repository,
    pub manifest: ManifestRef,
    pub tag: Option<String>,
    pub digest: Option<indexsmith::Digest>,
    pub reference: Reference,
}

impl ImageTarget {
    /// The digest when there is one, else the tag, `latest` by default.
    pub fn manifest_ref(&self) -> ManifestRef {
        self.manifest.clone()
    }
}

impl std::fmt::Display for ImageTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.reference.fmt(f)
    }
}

/// Where a reference goes, for the page to show before anything is fetched: the full name and
/// the host that serves it, e.g. `alpine` → `docker.io/library/alpine:latest (registry-1.docker.io)`.
/// `None` for text that is not a reference (the fetch then says why).
pub fn destination(reference: &str) -> Option<String> {
    let parsed = reference
        .trim()
        .parse::<Reference>()
        .ok()?
        .with_default_tag();
    let host = parsed.registry_host()?.to_owned();
    Some(format!("{parsed} ({host})"))
}

/// The header every request through the proxy carries: `indexsmith-serve` answers only requests
/// that have it (a page of another site cannot add it without the proxy's consent).
pub const PROXY_PROOF_HEADER: (&str, &str) = ("Indexsmith-Proxy", "1");

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

pub(crate) fn event_line(e: &Event) -> String {
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

/// A session for one call: the credentials for `registry` (the target) only, and the proxy
/// (with the header `indexsmith-serve` requires).
pub(crate) fn session_for(settings: &RegistrySettings, registry: &str) -> Session {
    let mut config = SessionConfig::default();
    let proxy = settings.proxy.trim();
    if !proxy.is_empty() {
        let proxy = Proxy::new(proxy)
            .with_origin(&page_origin())
            .with_header(PROXY_PROOF_HEADER.0, PROXY_PROOF_HEADER.1);
        config = config.with_proxy(proxy);
    }
    let mut session = Session::new(config);
    if !settings.username.is_empty() {
        session.set_credentials(
            registry,
            Credentials::new(settings.username.clone(), settings.password.clone()),
        );
    }
    session
}

fn page_origin() -> String {
    crate::services::browser::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default()
}

/// Runs an operation to its end with the registry crate's driver over gloo-net; progress events
/// go to `on_event`. The proxy and credentials are in the session ([`session_for`]).
pub(crate) async fn drive<O: Operation>(
    op: &mut O,
    session: &mut Session,
    _settings: &RegistrySettings,
    on_event: impl FnMut(Event),
) -> Result<O::Output, RegistryError> {
    let transport = transport::WebTransport::new(page_origin());
    let mut driver = Driver::new(&transport).on_event(on_event);
    let result = driver.run(session, op).await;
    result
}

/// Fetches a manifest or index by reference (registry module).
pub(crate) async fn fetch(
    settings: &RegistrySettings,
    reference: &str,
) -> Result<Fetched, Failure> {
    let image = parse_reference(reference)?;
    let mut session = session_for(settings, &image.repository.registry);
    let mut op = FetchManifest::new(&session, &image.repository, image.manifest_ref());
    let manifest = drive(&mut op, &mut session, settings, |_| {}).await?;
    let text = String::from_utf8(manifest.bytes)
        .map_err(|_| Failure::new("json/invalid-utf8", "the manifest is not UTF-8 text"))?;
    Ok(Fetched {
        reference: image.to_string(),
        repository: image.repository.to_string(),
        text,
        digest: manifest.digest.to_string(),
    })
}

/// A child manifest by reference and the platform its config declares (registry module).
pub(crate) async fn fetch_child(
    settings: &RegistrySettings,
    reference: &str,
) -> Result<FetchedChild, Failure> {
    let image = parse_reference(reference)?;
    let mut session = session_for(settings, &image.repository.registry);
    let mut op = Inspect::new(&session, &image.repository, image.manifest_ref());
    let inspection = drive(&mut op, &mut session, settings, |_| {}).await?;
    let Some(summary) = inspection.image else {
        return Err(Failure::new(
            "compose/nested-index",
            "that reference is an index; add an image manifest (pick a child by digest)",
        ));
    };
    // The entry's digest is that of these bytes: they cross to the page as text, so they must
    // be UTF-8 (JSON is).
    let text = String::from_utf8(inspection.manifest.bytes)
        .map_err(|_| Failure::new("json/invalid-utf8", "the manifest is not UTF-8 text"))?;
    Ok(FetchedChild {
        fetched: Fetched {
            reference: image.to_string(),
            repository: image.repository.to_string(),
            text,
            digest: inspection.manifest.digest.to_string(),
        },
        platform: summary.config_platform,
    })
}

/// What a push would do, or the push itself (registry module). The document is pushed as the
/// exact UTF-8 bytes of its text; the registry's answer must match the page's digest of them.
/// Each manifest and blob pushed is a line for `progress`.
pub(crate) async fn transfer(
    settings: &RegistrySettings,
    request: PushRequest,
    progress: &dyn Fn(String),
) -> Result<Transferred, Failure> {
    let PushRequest {
        push,
        reference,
        sources,
        text,
        media_type,
        digest,
    } = request;
    let (reference, sources, media_type) = (reference.as_str(), sources.as_str(), &media_type);
    let (target, tag, source_repos) = push_target(reference, sources)?;
    let mut session = session_for(settings, &target.registry);
    let bytes = text.into_bytes();
    if !push {
        let mut op = Transfer::plan(&session, &target, tag, bytes, media_type, source_repos);
        return match drive(&mut op, &mut session, settings, |_| {}).await? {
            TransferOutput::Plan(plan) => Ok(Transferred::Plan(PushPlanView {
                digest,
                target: reference.trim().to_owned(),
                sources: sources.trim().to_owned(),
                steps: plan_steps(&plan),
            })),
            TransferOutput::Pushed(_) => {
                Err(Failure::new("INVALID_RESPONSE", "the dry run pushed"))
            }
        };
    }
    let mut op = Transfer::push(
        &session,
        &target,
        tag.clone(),
        bytes,
        media_type,
        source_repos,
    );
    // One line per manifest and blob, not per chunk: each line re-renders the page.
    let output = drive(&mut op, &mut session, settings, |e| {
        if !matches!(e, Event::BlobProgress { .. }) {
            progress(event_line(&e))
        }
    })
    .await?;
    match output {
        TransferOutput::Pushed(report) => {
            let pushed = report.digest.map(|d| d.to_string()).unwrap_or_default();
            Ok(Transferred::Pushed(Pushed {
                reference: format!("{target}:{}", tag.unwrap_or_default()),
                verified: pushed == digest,
                digest: pushed,
            }))
        }
        TransferOutput::Plan(_) => Err(Failure::new("INVALID_RESPONSE", "the push only planned")),
    }
}

/// The outcome of [`transfer`].
pub(crate) enum Transferred {
    Plan(PushPlanView),
    Pushed(Pushed),
}

/// Fetches a document and loads it into the editor.
pub fn fetch_document(ctx: DocumentContext, settings: RegistrySettings, reference: String) {
    ctx.dispatch(Action::FetchStarted);
    yew::platform::spawn_local(async move {
        let request = Request::Fetch { reference };
        let result = remote::call(&settings, &request, |_| {}).await;
        ctx.dispatch(Action::FetchFinished(result));
    });
}

/// Fetches another index for the diff.
pub fn compare_with(ctx: DocumentContext, settings: RegistrySettings, reference: String) {
    ctx.dispatch(Action::CompareStarted);
    yew::platform::spawn_local(async move {
        let request = Request::Fetch { reference };
        let result = remote::call(&settings, &request, |_| {}).await;
        ctx.dispatch(Action::CompareFinished(result));
    });
}

/// Fetches a child manifest and its config, and adds its entry (platform from the config).
pub fn add_child_by_reference(ctx: DocumentContext, settings: RegistrySettings, reference: String) {
    ctx.dispatch(Action::ChildStarted);
    yew::platform::spawn_local(async move {
        let request = Request::Child { reference };
        match remote::call::<FetchedChild>(&settings, &request, |_| {}).await {
            Ok(FetchedChild { fetched, platform }) => {
                let mut child = Child::new(fetched.text.as_bytes().to_vec());
                if let Some(p) = platform {
                    child = child.with_platform(p);
                }
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

pub(crate) fn parse_repository(input: &str) -> Result<Repository, Failure> {
    Ok(parse_reference(input)?.repository)
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

/// The request for a dry run (`push` false) or a push of the page's document.
fn push_request(ctx: &DocumentContext, push: bool, reference: String, sources: String) -> Request {
    Request::Push(PushRequest {
        push,
        reference,
        sources,
        text: ctx.text.to_string(),
        media_type: ctx.analysis.report.media_type.clone().unwrap_or_default(),
        digest: ctx.analysis.report.digest.to_string(),
    })
}

/// Works out what a push would do (present / mount / copy per child), without writing.
pub fn plan_push(
    ctx: DocumentContext,
    settings: RegistrySettings,
    reference: String,
    source: String,
) {
    ctx.dispatch(Action::PlanStarted);
    let request = push_request(&ctx, false, reference, source);
    yew::platform::spawn_local(async move {
        let result = remote::call(&settings, &request, |_| {}).await;
        ctx.dispatch(Action::PlanFinished(result));
    });
}

/// Pushes the exact bytes of the document, children first, and checks the digest the registry
/// returns against the digest of those bytes.
pub fn push(ctx: DocumentContext, settings: RegistrySettings, reference: String, source: String) {
    ctx.dispatch(Action::PushStarted);
    let request = push_request(&ctx, true, reference, source);
    yew::platform::spawn_local(async move {
        let progress = ctx.clone();
        let result = remote::call(&settings, &request, move |line| {
            progress.dispatch(Action::PushProgress(line))
        })
        .await;
        ctx.dispatch(Action::PushFinished(result));
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_resolve_the_way_docker_reads_them() {
        let hub = "(registry-1.docker.io)";
        let cases = [
            (
                "docker.io without library/",
                "docker.io/alpine",
                format!("docker.io/library/alpine:latest {hub}"),
            ),
            (
                "short name",
                " alpine ",
                format!("docker.io/library/alpine:latest {hub}"),
            ),
            (
                "tag",
                "ubuntu:24.04",
                format!("docker.io/library/ubuntu:24.04 {hub}"),
            ),
            (
                "a user's repository on Docker Hub",
                "sample/hello",
                format!("docker.io/sample/hello:latest {hub}"),
            ),
            (
                "loopback",
                "localhost:5000/sample/hello",
                "localhost:5000/sample/hello:latest (localhost:5000)".to_owned(),
            ),
        ];
        for (name, input, expected) in cases {
            assert_eq!(
                destination(input).as_deref(),
                Some(expected.as_str()),
                "{name}"
            );
        }
        assert_eq!(destination("-bad"), None);
        let repo = parse_repository("docker.io/alpine").expect("valid");
        assert_eq!(
            (repo.path.as_str(), repo.api_host()),
            ("library/alpine", "registry-1.docker.io")
        );
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
            push_target("localhost:5000/app:1", "localhost:5000/a, -bad").is_err(),
            "a bad source is refused"
        );
        let cases = [("by digest", "localhost:5000/a@sha256:0000000000000000000000000000000000000000000000000000000000000000", "reference/digest"), ("bad", "-bad", "reference/invalid-format")];
        for (name, reference, code) in cases {
            assert_eq!(
                push_target(reference, "").err().map(|f| f.code),
                Some(code.to_owned()),
                "{name}"
            );
        }
    }
}
