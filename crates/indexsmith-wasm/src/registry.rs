//! The registry operations of `indexsmith-registry`, bound for the npm package.
//!
//! Bindings only: a [`RegistryOperation`] holds a `Session` and one operation, made from the
//! call's references and options; `run` drives it to its end with the registry crate's driver
//! over the package's JS transport (`transport.rs`, `js/registry.js`) and converts the result.
//! Results are shaped for the npm API and typed with `tsify`; the async functions themselves
//! (`fetchManifest`, `inspect`, …) are in `js/registry.js`.

use crate::convert::to_js;
use crate::error::{error, ErrorCode};
use crate::read::{as_index, invalid, Obj};
use crate::transport::JsTransport;
use crate::types::{Diagnostic, Platform};
use indexsmith::compose;
use indexsmith_registry::driver::Driver;
use indexsmith_registry::ops::{
    ChildAction, CreateIndex, FetchManifest, Inspect, Inspection, ListTags, NestedIndex, PushPlan,
    PushReport, Transfer, TransferOutput,
};
use indexsmith_registry::{
    Credentials, Event, ManifestRef, Proxy, Reference, RegistryError, Repository, Session,
    SessionConfig,
};
use serde::Serialize;
use tsify::Tsify;
use wasm_bindgen::prelude::*;

/// Credentials for the registry of the operation: a user name and password (or personal access
/// token as the password), or a bearer token the registry issued.
#[derive(Clone, Debug, Tsify)]
#[serde(untagged)]
pub enum RegistryAuth {
    Basic { username: String, password: String },
    Token { token: String },
}

/// Options of every registry function (the JS functions also take `onProgress` and `signal`:
/// `RegistryCallOptions`).
#[derive(Clone, Debug, Default, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct RegistryOptions {
    /// Credentials for the call's main registry (the target of a push or copy, else the
    /// reference's), or one entry per registry (`{ "ghcr.io": { token }, … }`). Each goes to its
    /// registry's API host and the token realm it names, and nowhere else. Never stored.
    #[tsify(optional, type = "RegistryAuth | Record<string, RegistryAuth>")]
    pub auth: Option<RegistryAuth>,
    /// A proxy base URL (e.g. `http://127.0.0.1:8080/proxy`): `https://host/v2/…` is sent as
    /// `<proxy>/host/v2/…`, token realms as `<proxy>-token/host/…`.
    #[tsify(optional)]
    pub proxy: Option<String>,
    /// Speak plain HTTP to the registries of this call (loopback hosts always use it).
    #[tsify(optional)]
    pub plain_http: Option<bool>,
    /// Seconds after which a request without an answer fails with `TIMEOUT` (default: none).
    #[tsify(optional)]
    pub timeout: Option<f64>,
    /// The largest upload range in bytes, i.e. the most blob bytes a request carries (default:
    /// 16 MiB in Node, streamed; 4 MiB in browsers, buffered). With `streamUploads`, blobs up to
    /// this size go up in one `PUT`, larger ones in one `PATCH`.
    #[tsify(optional)]
    pub chunk_size: Option<u64>,
    /// Send each blob larger than `chunkSize` in one streamed `PATCH` of all its bytes, holding no
    /// more than one network read, instead of in `chunkSize` ranges (default: on in Node; off in
    /// browsers, which stream request bodies only over HTTP/2, and ignored there).
    #[tsify(optional)]
    pub stream_uploads: Option<bool>,
    /// The most requests in flight at once (default: 32 in Node; 6 in browsers, their limit per
    /// host).
    #[tsify(optional)]
    pub max_concurrent: Option<usize>,
    /// The most blob copies streaming at once (default 2).
    #[tsify(optional)]
    pub max_streams: Option<usize>,
}

/// The running operation. One per handle, and the handle lives in the heap already.
#[allow(clippy::large_enum_variant)]
enum Op {
    Fetch(FetchManifest),
    Inspect(Inspect),
    Tags(ListTags),
    Create(CreateIndex, compose::Format),
    Transfer(Transfer, TransferShape),
}

#[derive(Clone, Copy)]
enum TransferShape {
    Plan,
    Push,
    Copy,
}

/// One running registry operation and its session. Made by the `RegistryOperation.*`
/// constructors; driven by the package's JS functions, not meant to be used directly.
#[wasm_bindgen(skip_typescript)]
pub struct RegistryOperation {
    session: Session,
    op: Op,
}

fn registry_error(e: &RegistryError) -> JsValue {
    let err = js_sys::Error::new(&e.to_string());
    let set = |k: &str, v: JsValue| {
        let _ = js_sys::Reflect::set(&err, &JsValue::from_str(k), &v);
    };
    set("code", JsValue::from_str(e.code()));
    set("status", e.status.map_or(JsValue::NULL, JsValue::from));
    set(
        "detail",
        e.detail.as_deref().map_or(JsValue::NULL, JsValue::from_str),
    );
    set(
        "url",
        e.url.as_deref().map_or(JsValue::NULL, JsValue::from_str),
    );
    set("retryable", JsValue::from_bool(e.is_retryable()));
    set(
        "retryAfter",
        e.retry_after
            .map_or(JsValue::NULL, |s| JsValue::from(s as f64)),
    );
    err.into()
}

fn invalid_input(message: impl AsRef<str>) -> JsValue {
    crate::error::error_with_code("INVALID_INPUT", message)
}

/// A reference as Docker reads it (`alpine` is `docker.io/library/alpine`), refused with its
/// stable `reference/*` code.
fn parse_ref(s: &str) -> Result<Target, JsValue> {
    let reference = s
        .trim()
        .parse::<Reference>()
        .map_err(|e| crate::error::error_with_code(e.code(), format!("reference {s:?}: {e}")))?;
    Ok(Target {
        repository: Repository::from(&reference),
        manifest: ManifestRef::from(&reference),
        tag: reference.tag,
        has_digest: reference.digest.is_some(),
    })
}

/// A parsed reference: the repository, what to fetch, and the tag as written.
struct Target {
    repository: Repository,
    manifest: ManifestRef,
    tag: Option<String>,
    has_digest: bool,
}

/// A repository `host[:port]/path` (a tag or digest, if written, is ignored).
fn parse_repo(s: &str) -> Result<Repository, JsValue> {
    Ok(parse_ref(s)?.repository)
}

/// A non-negative integer option.
fn count(o: &Obj, key: &str) -> Result<Option<usize>, JsValue> {
    match o.get(key) {
        None => Ok(None),
        Some(v) => as_index(&v)
            .map(Some)
            .ok_or_else(|| invalid(&o.path_of(key), "expected a non-negative integer")),
    }
}

/// The session for a call, its options read member by member (`timeout`, `onProgress` and
/// `signal` are the JS transport's). `registries` are the call's, the main one first (the target
/// of a push or copy, else the first reference): a bare `auth: { username, password }` or
/// `{ token }` is for that one; `auth: { "<registry>": { … }, … }` names each registry's own.
/// Credentials go to their registry's API host (and the token realm it names) and nowhere else.
fn session(options: JsValue, registries: &[&Repository]) -> Result<Session, JsValue> {
    let mut config = SessionConfig::default();
    let mut auth: Vec<(String, Auth)> = Vec::new();
    if let Some(o) = Obj::optional(options, "options")? {
        if let Some(n) = o.get("chunkSize") {
            let n = n
                .as_f64()
                .filter(|f| *f >= 1.0 && f.fract() == 0.0)
                .ok_or_else(|| invalid(&o.path_of("chunkSize"), "expected a positive integer"))?;
            config = config.with_chunk_size(n as u64);
        }
        if let Some(n) = count(&o, "maxConcurrent")? {
            config = config.with_max_concurrent(n);
        }
        if let Some(on) = o.bool("streamUploads")? {
            config = config.with_stream_uploads(on);
        }
        if let Some(n) = count(&o, "maxStreams")? {
            config = config.with_max_streams(n);
        }
        if o.bool("plainHttp")? == Some(true) {
            for r in registries {
                config = config.with_plain_http(r.registry.clone());
            }
        }
        if let Some(proxy) = o.string("proxy")? {
            if !proxy.trim().is_empty() {
                // indexsmith-serve answers only requests that carry this header (a page of
                // another site cannot send it without the proxy's consent).
                config = config.with_proxy(Proxy::new(&proxy).with_header("Indexsmith-Proxy", "1"));
            }
        }
        if let Some(given) = o.object("auth")? {
            let bare = ["username", "password", "token"]
                .iter()
                .any(|k| given.get(k).is_some());
            if bare {
                if let Some(main) = registries.first() {
                    auth.push((main.registry.clone(), read_auth(&given)?));
                }
            } else {
                for registry in given.keys() {
                    let entry = given.req_object(&registry)?;
                    auth.push((registry, read_auth(&entry)?));
                }
            }
        }
    }
    let mut session = Session::new(config);
    for (registry, a) in auth {
        match a {
            Auth::Basic(credentials) => session.set_credentials(&registry, credentials),
            Auth::Token(token) => session.set_token(&registry, token),
        }
    }
    Ok(session)
}

enum Auth {
    Basic(Credentials),
    Token(String),
}

/// `{ username, password }` or `{ token }`.
fn read_auth(o: &Obj) -> Result<Auth, JsValue> {
    if o.get("token").is_some() {
        return Ok(Auth::Token(o.req_string("token")?));
    }
    Ok(Auth::Basic(Credentials::new(
        o.req_string("username")?,
        o.req_string("password")?,
    )))
}

fn strings(value: JsValue, what: &str) -> Result<Vec<String>, JsValue> {
    let array = value
        .dyn_into::<js_sys::Array>()
        .map_err(|_| invalid(what, "expected an array of strings"))?;
    array
        .iter()
        .enumerate()
        .map(|(i, v)| {
            v.as_string()
                .ok_or_else(|| invalid(&format!("{what}[{i}]"), "expected a string"))
        })
        .collect()
}

#[wasm_bindgen]
impl RegistryOperation {
    /// GET a manifest by tag or digest, verified.
    #[wasm_bindgen(js_name = fetchManifest)]
    pub fn fetch_manifest(reference: &str, options: JsValue) -> Result<RegistryOperation, JsValue> {
        let r = parse_ref(reference)?;
        let session = session(options, &[&r.repository])?;
        let op = FetchManifest::new(&session, &r.repository, r.manifest.clone());
        Ok(RegistryOperation {
            session,
            op: Op::Fetch(op),
        })
    }

    /// A manifest and, for an index, every child and its config.
    pub fn inspect(reference: &str, options: JsValue) -> Result<RegistryOperation, JsValue> {
        let r = parse_ref(reference)?;
        let session = session(options, &[&r.repository])?;
        let op = Inspect::new(&session, &r.repository, r.manifest.clone());
        Ok(RegistryOperation {
            session,
            op: Op::Inspect(op),
        })
    }

    /// Every tag of a repository.
    #[wasm_bindgen(js_name = listTags)]
    pub fn list_tags(repository: &str, options: JsValue) -> Result<RegistryOperation, JsValue> {
        let repo = parse_repo(repository)?;
        let session = session(options, &[&repo])?;
        let op = ListTags::new(&session, &repo, None);
        Ok(RegistryOperation {
            session,
            op: Op::Tags(op),
        })
    }

    /// Resolves image references to index entries, for `createIndexFromReferences`.
    #[wasm_bindgen(js_name = createIndex)]
    pub fn create_index(
        references: JsValue,
        format: Option<String>,
        options: JsValue,
    ) -> Result<RegistryOperation, JsValue> {
        let refs = strings(references, "references")?;
        let format = match format.as_deref() {
            None | Some("oci") => compose::Format::Oci,
            Some("docker") => compose::Format::Docker,
            Some(other) => {
                return Err(error(
                    ErrorCode::InvalidOptions,
                    format!("format {other:?}: expected \"oci\" or \"docker\""),
                ))
            }
        };
        let parsed = refs
            .iter()
            .map(|s| parse_ref(s))
            .collect::<Result<Vec<_>, _>>()?;
        let repos: Vec<&Repository> = parsed.iter().map(|r| &r.repository).collect();
        let session = session(options, &repos)?;
        let sources = parsed
            .iter()
            .map(|r| (r.repository.clone(), r.manifest.clone()))
            .collect();
        let op = CreateIndex::new(&session, sources, NestedIndex::Refuse);
        Ok(RegistryOperation {
            session,
            op: Op::Create(op, format),
        })
    }

    /// Plans (`dry_run`) or pushes an index (or image manifest) given as bytes to `target`,
    /// taking each missing child from the first of `sources` that has it.
    #[wasm_bindgen(js_name = pushIndex)]
    pub fn push_index(
        index: &[u8],
        target: &str,
        sources: JsValue,
        dry_run: bool,
        options: JsValue,
    ) -> Result<RegistryOperation, JsValue> {
        let target = parse_ref(target)?;
        let sources: Vec<Repository> = strings(sources, "sources")?
            .iter()
            .map(|s| parse_repo(s))
            .collect::<Result<_, _>>()?;
        let validation =
            indexsmith::validate::validate_document(index, &indexsmith::ValidateOptions::default());
        let Some(kind) = validation.kind else {
            return Err(invalid_input(
                "the index is not an OCI or Docker index or manifest",
            ));
        };
        let media_type = validation
            .media_type
            .clone()
            .unwrap_or_else(|| kind.media_type().to_owned());
        let mut repos: Vec<&Repository> = vec![&target.repository];
        repos.extend(sources.iter());
        let session = session(options, &repos)?;
        let tag = target.tag.clone();
        let op = if dry_run {
            Transfer::plan(
                &session,
                &target.repository,
                tag,
                index.to_vec(),
                &media_type,
                sources,
            )
        } else {
            Transfer::push(
                &session,
                &target.repository,
                tag,
                index.to_vec(),
                &media_type,
                sources,
            )
        };
        let shape = if dry_run {
            TransferShape::Plan
        } else {
            TransferShape::Push
        };
        Ok(RegistryOperation {
            session,
            op: Op::Transfer(op, shape),
        })
    }

    /// Copies an image or index with every child and blob (`skopeo copy --all`).
    #[wasm_bindgen(js_name = copyImage)]
    pub fn copy_image(
        source: &str,
        target: &str,
        options: JsValue,
    ) -> Result<RegistryOperation, JsValue> {
        let source = parse_ref(source)?;
        let target = parse_ref(target)?;
        let session = session(options, &[&target.repository, &source.repository])?;
        let tag = target
            .tag
            .clone()
            .or_else(|| source.tag.clone().filter(|_| !target.has_digest));
        let op = Transfer::copy(
            &session,
            &source.repository,
            source.manifest.clone(),
            &target.repository,
            tag,
        );
        Ok(RegistryOperation {
            session,
            op: Op::Transfer(op, TransferShape::Copy),
        })
    }

    /// Runs the operation to its end over `transport` (the package's JS transport: `send`,
    /// `streamsUploads`; see `transport.rs`), reporting progress events to `onProgress`.
    /// Resolves to the result; rejects with the operation's error.
    pub async fn run(
        self,
        transport: JsValue,
        #[wasm_bindgen(js_name = onProgress)] on_progress: Option<js_sys::Function>,
    ) -> Result<JsValue, JsValue> {
        let transport = JsTransport::new(transport);
        let mut driver = Driver::new(&transport);
        if let Some(f) = on_progress {
            driver = driver.on_event(move |e| {
                if let Ok(v) = to_js(&RegistryEvent::from(e)) {
                    let _ = f.call1(&JsValue::NULL, &v);
                }
            });
        }
        let RegistryOperation { mut session, op } = self;
        let session = &mut session;
        match op {
            Op::Fetch(mut op) => fetched(
                driver
                    .run(session, &mut op)
                    .await
                    .map_err(|e| registry_error(&e))?,
            ),
            Op::Inspect(mut op) => to_js(&InspectResult::from(
                driver
                    .run(session, &mut op)
                    .await
                    .map_err(|e| registry_error(&e))?,
            )),
            Op::Tags(mut op) => to_js(
                &driver
                    .run(session, &mut op)
                    .await
                    .map_err(|e| registry_error(&e))?,
            ),
            Op::Create(mut op, format) => created(
                driver
                    .run(session, &mut op)
                    .await
                    .map_err(|e| registry_error(&e))?,
                format,
            ),
            Op::Transfer(mut op, shape) => match (
                driver
                    .run(session, &mut op)
                    .await
                    .map_err(|e| registry_error(&e))?,
                shape,
            ) {
                (TransferOutput::Plan(plan), _) => to_js(&PlanResult::from(plan)),
                (TransferOutput::Pushed(report), TransferShape::Copy) => {
                    to_js(&CopyResult::from(report))
                }
                (TransferOutput::Pushed(report), _) => to_js(&PushReportResult::from(report)),
            },
        }
    }
}

fn fetched(m: indexsmith_registry::ops::Manifest) -> Result<JsValue, JsValue> {
    let obj = to_js(&FetchedManifestMeta {
        digest: m.digest.to_string(),
        media_type: m.media_type.clone(),
        size: m.bytes.len() as u64,
    })?;
    let _ = js_sys::Reflect::set(
        &obj,
        &JsValue::from_str("bytes"),
        &js_sys::Uint8Array::from(m.bytes.as_slice()),
    );
    Ok(obj)
}

fn created(
    entries: Vec<indexsmith_registry::ops::IndexEntry>,
    format: compose::Format,
) -> Result<JsValue, JsValue> {
    let mut request = compose::CreateRequest::new(format);
    for (i, entry) in entries.into_iter().enumerate() {
        let Some(bytes) = entry.manifest else {
            return Err(invalid_input(format!(
                "reference {i} is an index; give the platform images it lists"
            )));
        };
        let mut child = compose::Child::new(bytes);
        if let Some(p) = entry.descriptor.platform {
            child = child.with_platform(p);
        }
        request = request.child(child);
    }
    let composed = compose::create_index(&request)
        .map_err(|e| crate::error::error_with_code(e.code(), e.to_string()))?;
    to_js(&CreatedIndex {
        text: composed.text(),
        digest: composed.digest.to_string(),
        size: composed.size,
        media_type: composed.media_type.clone(),
        diagnostics: composed.diagnostics.into_iter().map(Into::into).collect(),
    })
}

/// A descriptor, as registry results give it.
#[derive(Clone, Debug, Serialize, Tsify)]
#[tsify(missing_as_null)]
#[serde(rename_all = "camelCase")]
pub struct RegistryDescriptor {
    pub media_type: String,
    pub digest: String,
    pub size: u64,
    pub platform: Option<Platform>,
    pub artifact_type: Option<String>,
    #[tsify(type = "Record<string, string>")]
    pub annotations: std::collections::BTreeMap<String, String>,
}

impl From<indexsmith_registry::Descriptor> for RegistryDescriptor {
    fn from(d: indexsmith_registry::Descriptor) -> Self {
        RegistryDescriptor {
            media_type: d.media_type.to_string(),
            digest: d.digest.to_string(),
            size: d.size,
            platform: d.platform.map(Into::into),
            artifact_type: d.artifact_type,
            annotations: d.annotations,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct FetchedManifestMeta {
    digest: String,
    media_type: String,
    size: u64,
}

/// A manifest fetched from a registry and verified against its digest.
#[derive(Clone, Debug, Serialize, Tsify)]
#[tsify(missing_as_null)]
#[serde(rename_all = "camelCase")]
pub struct FetchedManifest {
    /// The exact bytes received.
    #[tsify(type = "Uint8Array")]
    pub bytes: (),
    /// The bytes as UTF-8 text.
    pub text: String,
    pub digest: String,
    pub media_type: String,
    pub size: u64,
    /// `validate` of the bytes.
    pub report: crate::types::Report,
}

/// A child manifest of an inspected index (or the inspected image itself).
#[derive(Clone, Debug, Serialize, Tsify)]
#[tsify(missing_as_null)]
#[serde(rename_all = "camelCase")]
pub struct InspectedManifest {
    pub media_type: String,
    pub size: u64,
    /// The number of layers.
    pub layers: usize,
    /// The sum of the layer sizes.
    pub layers_size: u64,
    /// Manifest, config and layers.
    pub total_size: u64,
    pub artifact_type: Option<String>,
}

/// One child of an inspected index.
#[derive(Clone, Debug, Serialize, Tsify)]
#[tsify(missing_as_null)]
#[serde(rename_all = "camelCase")]
pub struct InspectedChild {
    /// The entry as the index has it.
    pub descriptor: RegistryDescriptor,
    /// The platform its config declares, else the one the index declares.
    pub platform: Option<Platform>,
    /// `null` for a nested index.
    pub manifest: Option<InspectedManifest>,
    /// The config descriptor (`null` for a nested index).
    pub config: Option<RegistryDescriptor>,
}

/// The result of `inspect`.
#[derive(Clone, Debug, Serialize, Tsify)]
#[tsify(missing_as_null)]
#[serde(rename_all = "camelCase")]
pub struct InspectResult {
    pub digest: String,
    pub media_type: String,
    pub size: u64,
    /// `"index"` or `"image"`.
    pub kind: String,
    /// One per entry of an index; for an image, the image itself (its descriptor has no platform).
    pub children: Vec<InspectedChild>,
}

impl From<Inspection> for InspectResult {
    fn from(i: Inspection) -> Self {
        let summarize = |s: indexsmith_registry::ops::ImageSummary| {
            (
                s.config_platform.map(Platform::from),
                InspectedManifest {
                    media_type: s.manifest.media_type.clone(),
                    size: s.manifest.bytes.len() as u64,
                    layers: s.layer_count,
                    layers_size: s.layers_size,
                    total_size: s.total_size,
                    artifact_type: s.artifact_type,
                },
                RegistryDescriptor::from(s.config),
            )
        };
        let kind = if i.image.is_some() { "image" } else { "index" };
        let mut children = Vec::new();
        if let Some(image) = i.image {
            let descriptor = indexsmith_registry::Descriptor::new(
                i.manifest.media_type.clone(),
                i.manifest.digest.clone(),
                i.manifest.bytes.len() as u64,
            );
            let (platform, manifest, config) = summarize(image);
            children.push(InspectedChild {
                descriptor: descriptor.into(),
                platform,
                manifest: Some(manifest),
                config: Some(config),
            });
        }
        for c in i.children {
            let declared = c.descriptor.platform.clone().map(Platform::from);
            let (platform, manifest, config) = match c.image {
                Some(s) => {
                    let (p, m, cfg) = summarize(s);
                    (p.or(declared), Some(m), Some(cfg))
                }
                None => (declared, None, None),
            };
            children.push(InspectedChild {
                descriptor: c.descriptor.into(),
                platform,
                manifest,
                config,
            });
        }
        InspectResult {
            digest: i.manifest.digest.to_string(),
            media_type: i.manifest.media_type.clone(),
            size: i.manifest.bytes.len() as u64,
            kind: kind.to_owned(),
            children,
        }
    }
}

/// The result of `createIndexFromReferences`: the composed index.
#[derive(Clone, Debug, Serialize, Tsify)]
#[tsify(missing_as_null)]
#[serde(rename_all = "camelCase")]
pub struct CreatedIndex {
    pub text: String,
    pub digest: String,
    pub size: u64,
    pub media_type: String,
    pub diagnostics: Vec<Diagnostic>,
}

/// What a push does for one manifest: `present` (nothing), `mount` (blobs mounted from another
/// repository of the registry, then the manifest pushed) or `copy` (the manifest pushed, with the
/// blob bytes that are missing; `manifestOnly` says none are).
#[derive(Clone, Copy, Debug, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub enum PlanAction {
    Present,
    Mount,
    Copy,
}

/// The plan for one child.
#[derive(Clone, Debug, Serialize, Tsify)]
#[tsify(missing_as_null)]
#[serde(rename_all = "camelCase")]
pub struct PlannedChild {
    pub digest: String,
    pub media_type: String,
    /// The platform the index declares.
    pub platform: Option<Platform>,
    pub action: PlanAction,
    /// Every blob is already in the target: only the manifest itself is pushed.
    pub manifest_only: bool,
    /// The source repository the manifest was found in: the first of `sources` that has it
    /// (for an image manifest pushed as the root, the first source). `null` when the manifest is
    /// already in the target.
    pub source: Option<String>,
    /// The repository blobs are mounted or copied from (the `source`; `null` when no blob moves).
    pub from: Option<String>,
    /// Blobs the manifest references.
    pub blobs: usize,
    /// Blob bytes to copy (0 when present or mounted).
    pub bytes: u64,
    pub blobs_present: usize,
    pub blobs_to_mount: usize,
    pub blobs_to_copy: usize,
    pub bytes_to_mount: u64,
}

/// The result of `planPush`.
#[derive(Clone, Debug, Serialize, Tsify)]
#[tsify(missing_as_null)]
#[serde(rename_all = "camelCase")]
pub struct PlanResult {
    pub digest: String,
    pub media_type: String,
    /// The index itself is already in the target.
    pub root_present: bool,
    pub children: Vec<PlannedChild>,
    /// Totals over distinct blobs.
    pub blobs_present: usize,
    pub blobs_to_mount: usize,
    pub blobs_to_copy: usize,
    pub bytes_to_mount: u64,
    pub bytes_to_copy: u64,
}

impl From<PushPlan> for PlanResult {
    fn from(p: PushPlan) -> Self {
        let children = p
            .children
            .into_iter()
            .map(|c| {
                let manifest_only = matches!(c.action, ChildAction::ManifestOnly);
                let (action, from) = match c.action {
                    ChildAction::Present => (PlanAction::Present, None),
                    ChildAction::ManifestOnly => (PlanAction::Copy, None),
                    ChildAction::Mount { from } => (PlanAction::Mount, Some(from.to_string())),
                    ChildAction::Copy { from } => (PlanAction::Copy, Some(from.to_string())),
                };
                PlannedChild {
                    digest: c.digest.to_string(),
                    media_type: c.media_type,
                    platform: c.platform.map(Into::into),
                    action,
                    manifest_only,
                    source: c.source.map(|r| r.to_string()),
                    from,
                    blobs: c.blobs,
                    bytes: c.bytes_to_copy,
                    blobs_present: c.blobs_present,
                    blobs_to_mount: c.blobs_to_mount,
                    blobs_to_copy: c.blobs_to_copy,
                    bytes_to_mount: c.bytes_to_mount,
                }
            })
            .collect();
        PlanResult {
            digest: p.digest.to_string(),
            media_type: p.media_type,
            root_present: p.root_present,
            children,
            blobs_present: p.blobs_present,
            blobs_to_mount: p.blobs_to_mount,
            blobs_to_copy: p.blobs_to_copy,
            bytes_to_mount: p.bytes_to_mount,
            bytes_to_copy: p.bytes_to_copy,
        }
    }
}

/// What a push or copy did.
#[derive(Clone, Debug, Serialize, Tsify)]
#[tsify(missing_as_null)]
#[serde(rename_all = "camelCase")]
pub struct PushReportResult {
    pub digest: Option<String>,
    pub tag: Option<String>,
    pub manifests_present: usize,
    pub manifests_pushed: usize,
    pub blobs_present: usize,
    pub blobs_mounted: usize,
    pub blobs_uploaded: usize,
    /// Blob bytes uploaded (0 when every blob was present or mounted).
    pub bytes_uploaded: u64,
}

impl From<PushReport> for PushReportResult {
    fn from(r: PushReport) -> Self {
        PushReportResult {
            digest: r.digest.map(|d| d.to_string()),
            tag: r.tag,
            manifests_present: r.manifests_present,
            manifests_pushed: r.manifests_pushed,
            blobs_present: r.blobs_present,
            blobs_mounted: r.blobs_mounted,
            blobs_uploaded: r.blobs_uploaded,
            bytes_uploaded: r.bytes_uploaded,
        }
    }
}

/// The result of `pushIndex`.
#[derive(Clone, Debug, Serialize, Tsify)]
#[tsify(missing_as_null)]
#[serde(rename_all = "camelCase")]
pub struct PushResult {
    pub digest: String,
    /// The plan made before pushing.
    pub plan: PlanResult,
    /// What the push did.
    pub report: PushReportResult,
}

/// Blob counts of a copy.
#[derive(Clone, Debug, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct CopiedBlobs {
    pub copied: usize,
    pub mounted: usize,
    /// Already in the target.
    pub skipped: usize,
}

/// The result of `copyImage`.
#[derive(Clone, Debug, Serialize, Tsify)]
#[tsify(missing_as_null)]
#[serde(rename_all = "camelCase")]
pub struct CopyResult {
    pub digest: Option<String>,
    /// Manifests pushed (index and children).
    pub manifests: usize,
    pub blobs: CopiedBlobs,
    /// Blob bytes uploaded.
    pub bytes: u64,
}

impl From<PushReport> for CopyResult {
    fn from(r: PushReport) -> Self {
        CopyResult {
            digest: r.digest.map(|d| d.to_string()),
            manifests: r.manifests_pushed,
            blobs: CopiedBlobs {
                copied: r.blobs_uploaded,
                mounted: r.blobs_mounted,
                skipped: r.blobs_present,
            },
            bytes: r.bytes_uploaded,
        }
    }
}

/// Progress of a registry operation, given to `onProgress`.
#[derive(Clone, Debug, Serialize, Tsify)]
#[tsify(missing_as_null)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum RegistryEvent {
    ManifestFetched {
        digest: String,
        media_type: String,
    },
    ManifestPresent {
        digest: String,
    },
    ManifestPushed {
        digest: String,
        tag: Option<String>,
    },
    BlobPresent {
        digest: String,
        size: u64,
    },
    BlobMounted {
        digest: String,
        size: u64,
        from: String,
    },
    /// `sent` counts the blob's bytes accepted so far.
    BlobProgress {
        digest: String,
        sent: u64,
        total: u64,
    },
    BlobUploaded {
        digest: String,
        size: u64,
    },
}

impl From<Event> for RegistryEvent {
    fn from(e: Event) -> Self {
        match e {
            Event::ManifestFetched { digest, media_type } => RegistryEvent::ManifestFetched {
                digest: digest.to_string(),
                media_type,
            },
            Event::ManifestPresent { digest } => RegistryEvent::ManifestPresent {
                digest: digest.to_string(),
            },
            Event::ManifestPushed { digest, tag } => RegistryEvent::ManifestPushed {
                digest: digest.to_string(),
                tag,
            },
            Event::BlobPresent { digest, size } => RegistryEvent::BlobPresent {
                digest: digest.to_string(),
                size,
            },
            Event::BlobMounted { digest, size, from } => RegistryEvent::BlobMounted {
                digest: digest.to_string(),
                size,
                from: from.to_string(),
            },
            Event::BlobProgress {
                digest,
                sent,
                total,
            } => RegistryEvent::BlobProgress {
                digest: digest.to_string(),
                sent,
                total,
            },
            Event::BlobUploaded { digest, size } => RegistryEvent::BlobUploaded {
                digest: digest.to_string(),
                size,
            },
        }
    }
}
