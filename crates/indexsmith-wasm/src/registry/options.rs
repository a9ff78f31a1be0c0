//! The options of a registry call: the session it runs in (credentials per registry, proxy,
//! limits) and the references it names.

use crate::read::{as_index, invalid, Obj};
use indexsmith_registry::{
    Credentials, ManifestRef, Proxy, Reference, Repository, Session, SessionConfig,
};
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

pub(super) fn invalid_input(message: impl AsRef<str>) -> JsValue {
    crate::error::error_with_code("INVALID_INPUT", message)
}

/// A reference as Docker reads it (`alpine` is `docker.io/library/alpine`), refused with its
/// stable `reference/*` code.
pub(super) fn parse_ref(s: &str) -> Result<Target, JsValue> {
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
pub(super) struct Target {
    pub(super) repository: Repository,
    pub(super) manifest: ManifestRef,
    pub(super) tag: Option<String>,
    pub(super) has_digest: bool,
}

/// A repository `host[:port]/path` (a tag or digest, if written, is ignored).
pub(super) fn parse_repo(s: &str) -> Result<Repository, JsValue> {
    Ok(parse_ref(s)?.repository)
}

/// A non-negative integer option.
pub(super) fn count(o: &Obj, key: &str) -> Result<Option<usize>, JsValue> {
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
pub(super) fn session(options: JsValue, registries: &[&Repository]) -> Result<Session, JsValue> {
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

pub(super) enum Auth {
    Basic(Credentials),
    Token(String),
}

/// `{ username, password }` or `{ token }`.
pub(super) fn read_auth(o: &Obj) -> Result<Auth, JsValue> {
    if o.get("token").is_some() {
        return Ok(Auth::Token(o.req_string("token")?));
    }
    Ok(Auth::Basic(Credentials::new(
        o.req_string("username")?,
        o.req_string("password")?,
    )))
}

pub(super) fn strings(value: JsValue, what: &str) -> Result<Vec<String>, JsValue> {
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
