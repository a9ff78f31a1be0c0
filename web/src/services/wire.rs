//! The registry client's calls on the wire. The page and the registry module (a second
//! WebAssembly module, loaded on the first registry call) share no memory: a call goes over as
//! JSON text (the core's writer and parser) and its result comes back the same way. Both sides
//! are this crate, so one codec serves both.

use super::registry::RegistrySettings;
use crate::state::{
    ChildDetails, CopyEntry, CopyPlan, Failure, Fetched, Layer, NestedChild, PlanStep,
    PushPlanView, Pushed, TagListing, TagRow,
};
use indexsmith::json::value::Value;
use indexsmith::json::write::{to_vec, Style};
use indexsmith::model::{platform_from_value, platform_to_value};
use indexsmith::Platform;
use std::rc::Rc;

/// What the page asks the registry module to do. Documents travel as text: the registry
/// module pushes their UTF-8 bytes, the exact bytes the page holds.
#[derive(Clone, Debug, PartialEq)]
pub enum Request {
    /// A manifest or index by reference.
    Fetch { reference: String },
    /// A child manifest and the platform of its config, to add as an entry.
    Child { reference: String },
    /// What pushing the document would do, or the push itself.
    Push(PushRequest),
    /// One child of the document, with the platform its entry declares.
    Inspect {
        repository: String,
        digest: String,
        declared: Option<Platform>,
    },
    /// A repository's tags, each with what it points at.
    Tags { repository: String },
    /// What copying `source` to `target` would do, keeping the entries in `keep` (all if none).
    PlanCopy {
        source: String,
        target: String,
        keep: Option<Vec<String>>,
    },
    /// A planned copy.
    Copy { plan: CopyPlan },
}

/// A dry run (`push` false) or a push of the page's document `text` to `reference`, children
/// from `sources`; `digest` is the page's digest of the text's bytes.
#[derive(Clone, Debug, PartialEq)]
pub struct PushRequest {
    pub push: bool,
    pub reference: String,
    pub sources: String,
    pub text: String,
    pub media_type: String,
    pub digest: String,
}

/// A child fetched by reference: the manifest as fetched, and its config's platform.
#[derive(Clone, Debug, PartialEq)]
pub struct FetchedChild {
    pub fetched: Fetched,
    pub platform: Option<Platform>,
}

/// A type that crosses the boundary.
pub trait Wire: Sized {
    fn to_value(&self) -> Value;
    fn from_value(v: &Value) -> Option<Self>;
}

/// A call: the request and how to reach registries.
pub fn encode_call(settings: &RegistrySettings, request: &Request) -> String {
    text(&object(vec![
        ("settings", settings.to_value()),
        ("request", request.to_value()),
    ]))
}

pub fn decode_call(call: &str) -> Result<(RegistrySettings, Request), Failure> {
    let v = parse(call)?;
    let settings = v.get("settings").and_then(RegistrySettings::from_value);
    let request = v.get("request").and_then(Request::from_value);
    settings.zip(request).ok_or_else(|| malformed("call"))
}

/// An outcome: `{"ok": …}` or `{"err": failure}`.
pub fn encode_result<T: Wire>(result: &Result<T, Failure>) -> String {
    text(&match result {
        Ok(t) => object(vec![("ok", t.to_value())]),
        Err(f) => object(vec![("err", f.to_value())]),
    })
}

pub fn decode_result<T: Wire>(result: &str) -> Result<T, Failure> {
    let v = parse(result)?;
    if let Some(f) = v.get("err") {
        return Err(Failure::from_value(f).ok_or_else(|| malformed("failure"))?);
    }
    v.get("ok")
        .and_then(T::from_value)
        .ok_or_else(|| malformed("result"))
}

fn malformed(what: &str) -> Failure {
    Failure::new(
        "registry-module/malformed",
        format!("the registry module and the page disagree on a {what}: reload the page"),
    )
}

fn parse(text: &str) -> Result<Value, Failure> {
    indexsmith::json::parse_value(text.as_bytes()).map_err(|_| malformed("message"))
}

fn text(v: &Value) -> String {
    // The writer's output is UTF-8: it writes only Rust strings and ASCII.
    String::from_utf8(to_vec(v, Style::Compact)).unwrap_or_default()
}

fn object(members: Vec<(&str, Value)>) -> Value {
    Value::Object(
        members
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect(),
    )
}

fn string(s: &str) -> Value {
    Value::string(s)
}

fn optional<T>(t: Option<T>, f: impl FnOnce(T) -> Value) -> Value {
    t.map_or(Value::Null, f)
}

fn number(n: u64) -> Value {
    Value::Number(n.to_string())
}

fn list<T: Wire>(items: &[T]) -> Value {
    Value::Array(items.iter().map(Wire::to_value).collect())
}

fn strings(items: &[String]) -> Value {
    Value::Array(items.iter().map(Value::string).collect())
}

fn get_str(v: &Value, key: &str) -> Option<String> {
    v.get(key)?.as_str().map(str::to_owned)
}

/// A member that may be `null`: `Some(None)` for null or absent, `None` for another type.
fn get_opt_str(v: &Value, key: &str) -> Option<Option<String>> {
    match v.get(key) {
        None | Some(Value::Null) => Some(None),
        Some(s) => s.as_str().map(|s| Some(s.to_owned())),
    }
}

fn get_u64(v: &Value, key: &str) -> Option<u64> {
    match v.get(key)? {
        Value::Number(n) => n.parse().ok(),
        _ => None,
    }
}

fn get_opt_u64(v: &Value, key: &str) -> Option<Option<u64>> {
    match v.get(key) {
        None | Some(Value::Null) => Some(None),
        Some(_) => get_u64(v, key).map(Some),
    }
}

fn get_bool(v: &Value, key: &str) -> Option<bool> {
    match v.get(key)? {
        Value::Bool(b) => Some(*b),
        _ => None,
    }
}

fn get_list<T: Wire>(v: &Value, key: &str) -> Option<Vec<T>> {
    v.get(key)?.as_array()?.iter().map(T::from_value).collect()
}

fn get_strings(v: &Value, key: &str) -> Option<Vec<String>> {
    v.get(key)?
        .as_array()?
        .iter()
        .map(|s| s.as_str().map(str::to_owned))
        .collect()
}

fn get_platform(v: &Value, key: &str) -> Option<Option<Platform>> {
    match v.get(key) {
        None | Some(Value::Null) => Some(None),
        Some(p) => platform_from_value(p, key).ok().map(Some),
    }
}

impl Wire for RegistrySettings {
    fn to_value(&self) -> Value {
        object(vec![
            ("proxy", string(&self.proxy)),
            ("username", string(&self.username)),
            ("password", string(&self.password)),
        ])
    }
    fn from_value(v: &Value) -> Option<Self> {
        Some(RegistrySettings {
            proxy: get_str(v, "proxy")?,
            username: get_str(v, "username")?,
            password: get_str(v, "password")?,
        })
    }
}

impl Wire for Request {
    fn to_value(&self) -> Value {
        match self {
            Request::Fetch { reference } => object(vec![
                ("op", string("fetch")),
                ("reference", string(reference)),
            ]),
            Request::Child { reference } => object(vec![
                ("op", string("child")),
                ("reference", string(reference)),
            ]),
            Request::Push(PushRequest {
                push,
                reference,
                sources,
                text,
                media_type,
                digest,
            }) => object(vec![
                ("op", string(if *push { "push" } else { "plan-push" })),
                ("reference", string(reference)),
                ("sources", string(sources)),
                ("text", string(text)),
                ("mediaType", string(media_type)),
                ("digest", string(digest)),
            ]),
            Request::Inspect {
                repository,
                digest,
                declared,
            } => object(vec![
                ("op", string("inspect")),
                ("repository", string(repository)),
                ("digest", string(digest)),
                ("declared", optional(declared.as_ref(), platform_to_value)),
            ]),
            Request::Tags { repository } => object(vec![
                ("op", string("tags")),
                ("repository", string(repository)),
            ]),
            Request::PlanCopy {
                source,
                target,
                keep,
            } => object(vec![
                ("op", string("plan-copy")),
                ("source", string(source)),
                ("target", string(target)),
                ("keep", optional(keep.as_deref(), strings)),
            ]),
            Request::Copy { plan } => {
                object(vec![("op", string("copy")), ("plan", plan.to_value())])
            }
        }
    }
    fn from_value(v: &Value) -> Option<Self> {
        let s = |key| get_str(v, key);
        Some(match v.get("op")?.as_str()? {
            "fetch" => Request::Fetch {
                reference: s("reference")?,
            },
            "child" => Request::Child {
                reference: s("reference")?,
            },
            op @ ("push" | "plan-push") => Request::Push(PushRequest {
                push: op == "push",
                reference: s("reference")?,
                sources: s("sources")?,
                text: s("text")?,
                media_type: s("mediaType")?,
                digest: s("digest")?,
            }),
            "inspect" => Request::Inspect {
                repository: s("repository")?,
                digest: s("digest")?,
                declared: get_platform(v, "declared")?,
            },
            "tags" => Request::Tags {
                repository: s("repository")?,
            },
            "plan-copy" => Request::PlanCopy {
                source: s("source")?,
                target: s("target")?,
                keep: match v.get("keep") {
                    None | Some(Value::Null) => None,
                    Some(_) => Some(get_strings(v, "keep")?),
                },
            },
            "copy" => Request::Copy {
                plan: CopyPlan::from_value(v.get("plan")?)?,
            },
            _ => return None,
        })
    }
}

impl Wire for Failure {
    fn to_value(&self) -> Value {
        object(vec![
            ("code", string(&self.code)),
            ("message", string(&self.message)),
            ("detail", optional(self.detail.as_deref(), string)),
            ("retryable", Value::Bool(self.retryable)),
        ])
    }
    fn from_value(v: &Value) -> Option<Self> {
        Some(Failure {
            code: get_str(v, "code")?,
            message: get_str(v, "message")?,
            detail: get_opt_str(v, "detail")?,
            retryable: get_bool(v, "retryable")?,
        })
    }
}

impl Wire for Fetched {
    fn to_value(&self) -> Value {
        object(vec![
            ("reference", string(&self.reference)),
            ("repository", string(&self.repository)),
            ("text", string(&self.text)),
            ("digest", string(&self.digest)),
        ])
    }
    fn from_value(v: &Value) -> Option<Self> {
        Some(Fetched {
            reference: get_str(v, "reference")?,
            repository: get_str(v, "repository")?,
            text: get_str(v, "text")?,
            digest: get_str(v, "digest")?,
        })
    }
}

impl Wire for FetchedChild {
    fn to_value(&self) -> Value {
        object(vec![
            ("fetched", self.fetched.to_value()),
            (
                "platform",
                optional(self.platform.as_ref(), platform_to_value),
            ),
        ])
    }
    fn from_value(v: &Value) -> Option<Self> {
        Some(FetchedChild {
            fetched: Fetched::from_value(v.get("fetched")?)?,
            platform: get_platform(v, "platform")?,
        })
    }
}

impl Wire for PlanStep {
    fn to_value(&self) -> Value {
        object(vec![
            ("digest", string(&self.digest)),
            ("action", string(&self.action)),
            ("detail", string(&self.detail)),
        ])
    }
    fn from_value(v: &Value) -> Option<Self> {
        Some(PlanStep {
            digest: get_str(v, "digest")?,
            action: get_str(v, "action")?,
            detail: get_str(v, "detail")?,
        })
    }
}

impl Wire for PushPlanView {
    fn to_value(&self) -> Value {
        object(vec![
            ("digest", string(&self.digest)),
            ("target", string(&self.target)),
            ("sources", string(&self.sources)),
            ("steps", list(&self.steps)),
        ])
    }
    fn from_value(v: &Value) -> Option<Self> {
        Some(PushPlanView {
            digest: get_str(v, "digest")?,
            target: get_str(v, "target")?,
            sources: get_str(v, "sources")?,
            steps: get_list(v, "steps")?,
        })
    }
}

impl Wire for Pushed {
    fn to_value(&self) -> Value {
        object(vec![
            ("reference", string(&self.reference)),
            ("digest", string(&self.digest)),
            ("verified", Value::Bool(self.verified)),
        ])
    }
    fn from_value(v: &Value) -> Option<Self> {
        Some(Pushed {
            reference: get_str(v, "reference")?,
            digest: get_str(v, "digest")?,
            verified: get_bool(v, "verified")?,
        })
    }
}

impl Wire for Layer {
    fn to_value(&self) -> Value {
        object(vec![
            ("digest", string(&self.digest)),
            ("mediaType", string(&self.media_type)),
            ("size", number(self.size)),
        ])
    }
    fn from_value(v: &Value) -> Option<Self> {
        Some(Layer {
            digest: get_str(v, "digest")?,
            media_type: get_str(v, "mediaType")?,
            size: get_u64(v, "size")?,
        })
    }
}

impl Wire for NestedChild {
    fn to_value(&self) -> Value {
        object(vec![
            ("digest", string(&self.digest)),
            ("mediaType", string(&self.media_type)),
            ("platform", optional(self.platform.as_deref(), string)),
            ("size", number(self.size)),
            ("totalSize", optional(self.total_size, number)),
        ])
    }
    fn from_value(v: &Value) -> Option<Self> {
        Some(NestedChild {
            digest: get_str(v, "digest")?,
            media_type: get_str(v, "mediaType")?,
            platform: get_opt_str(v, "platform")?,
            size: get_u64(v, "size")?,
            total_size: get_opt_u64(v, "totalSize")?,
        })
    }
}

impl Wire for ChildDetails {
    fn to_value(&self) -> Value {
        object(vec![
            ("reference", string(&self.reference)),
            ("digest", string(&self.digest)),
            ("mediaType", string(&self.media_type)),
            (
                "configDigest",
                optional(self.config_digest.as_deref(), string),
            ),
            (
                "configPlatform",
                optional(self.config_platform.as_deref(), string),
            ),
            ("created", optional(self.created.as_deref(), string)),
            ("layers", list(&self.layers)),
            ("totalSize", number(self.total_size)),
            ("children", list(&self.children)),
            ("findings", list(&self.findings)),
        ])
    }
    fn from_value(v: &Value) -> Option<Self> {
        Some(ChildDetails {
            reference: get_str(v, "reference")?,
            digest: get_str(v, "digest")?,
            media_type: get_str(v, "mediaType")?,
            config_digest: get_opt_str(v, "configDigest")?,
            config_platform: get_opt_str(v, "configPlatform")?,
            created: get_opt_str(v, "created")?,
            layers: get_list(v, "layers")?,
            total_size: get_u64(v, "totalSize")?,
            children: get_list(v, "children")?,
            findings: get_list(v, "findings")?,
        })
    }
}

impl Wire for TagRow {
    fn to_value(&self) -> Value {
        object(vec![
            ("tag", string(&self.tag)),
            ("digest", string(&self.digest)),
            ("mediaType", string(&self.media_type)),
            ("platforms", optional(self.platforms, |n| number(n as u64))),
            ("error", optional(self.error.as_deref(), string)),
        ])
    }
    fn from_value(v: &Value) -> Option<Self> {
        Some(TagRow {
            tag: get_str(v, "tag")?,
            digest: get_str(v, "digest")?,
            media_type: get_str(v, "mediaType")?,
            platforms: get_opt_u64(v, "platforms")?.map(|n| n as usize),
            error: get_opt_str(v, "error")?,
        })
    }
}

impl Wire for TagListing {
    fn to_value(&self) -> Value {
        object(vec![
            ("repository", string(&self.repository)),
            ("tags", list(&self.tags)),
        ])
    }
    fn from_value(v: &Value) -> Option<Self> {
        Some(TagListing {
            repository: get_str(v, "repository")?,
            tags: get_list(v, "tags")?,
        })
    }
}

impl Wire for CopyEntry {
    fn to_value(&self) -> Value {
        object(vec![
            ("digest", string(&self.digest)),
            ("platform", string(&self.platform)),
        ])
    }
    fn from_value(v: &Value) -> Option<Self> {
        Some(CopyEntry {
            digest: get_str(v, "digest")?,
            platform: get_str(v, "platform")?,
        })
    }
}

impl Wire for CopyPlan {
    fn to_value(&self) -> Value {
        object(vec![
            ("source", string(&self.source)),
            ("target", string(&self.target)),
            // The manifest's bytes, which are JSON and so UTF-8 (the registry module refuses a
            // manifest that is not).
            ("text", string(&String::from_utf8_lossy(&self.bytes))),
            ("mediaType", string(&self.media_type)),
            ("digest", string(&self.digest)),
            ("entries", list(&self.entries)),
            ("kept", strings(&self.kept)),
            ("steps", list(&self.steps)),
        ])
    }
    fn from_value(v: &Value) -> Option<Self> {
        Some(CopyPlan {
            source: get_str(v, "source")?,
            target: get_str(v, "target")?,
            bytes: Rc::new(get_str(v, "text")?.into_bytes()),
            media_type: get_str(v, "mediaType")?,
            digest: get_str(v, "digest")?,
            entries: get_list(v, "entries")?,
            kept: get_strings(v, "kept")?,
            steps: get_list(v, "steps")?,
        })
    }
}

#[cfg(test)]
mod tests;
