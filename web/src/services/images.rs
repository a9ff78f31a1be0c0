//! Registry journeys built on the registry service's driver: inspect a child of the document,
//! list a repository's tags with what each points at, and copy an image (`crane copy`,
//! `az acr import`) with its plan first.

use super::registry::{
    drive, event_line, parse_reference, parse_repository, plan_steps, session_for, RegistrySettings,
};
use super::remote;
use super::wire::Request;
use crate::rows;
use crate::state::{
    Action, ChildDetails, CopyEntry, CopyPlan, DocumentContext, Failure, Layer, NestedChild,
    Pushed, TagListing, TagRow,
};
use indexsmith::compose::{self, Edit, Selector};
use indexsmith::json::{self, value::Value};
use indexsmith::Platform;
use indexsmith_registry::ops::{
    FetchManifest, ImageSummary, Inspect, Inspection, ListTags, Transfer, TransferOutput,
};
use indexsmith_registry::{ManifestRef, Repository};
use std::rc::Rc;

/// How many tags are read at once (the browser's connections per host).
const TAG_BATCH: usize = 6;

fn value_of(bytes: &[u8]) -> Option<Value> {
    json::parse_value(bytes).ok()
}

fn platform_text(p: &Platform) -> String {
    let mut s = p.to_string();
    if let Some(v) = &p.os_version {
        s.push(':');
        s.push_str(v);
    }
    s
}

/// Layers of an image manifest, as its bytes list them.
pub fn layers_of(manifest: &[u8]) -> Vec<Layer> {
    let Some(value) = value_of(manifest) else {
        return Vec::new();
    };
    value
        .get("layers")
        .and_then(Value::as_array)
        .map(|layers| {
            layers
                .iter()
                .map(|l| Layer {
                    digest: l
                        .get("digest")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .into(),
                    media_type: l
                        .get("mediaType")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .into(),
                    size: l
                        .get("size")
                        .and_then(Value::as_i64)
                        .unwrap_or_default()
                        .max(0) as u64,
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Where the index's platform and the config's disagree (os, architecture, variant, after
/// normalization), as findings.
pub fn platform_findings(declared: Option<&Platform>, config: Option<&Platform>) -> Vec<Failure> {
    let (Some(declared), Some(config)) = (declared, config) else {
        return Vec::new();
    };
    let (d, c) = (declared.normalize(), config.normalize());
    let fields = [
        ("os", d.os.as_str(), c.os.as_str()),
        (
            "architecture",
            d.architecture.as_str(),
            c.architecture.as_str(),
        ),
        (
            "variant",
            d.variant.as_deref().unwrap_or(""),
            c.variant.as_deref().unwrap_or(""),
        ),
    ];
    fields
        .iter()
        .filter(|(_, a, b)| a != b)
        .map(|(field, a, b)| {
            Failure::new(
                "inspect/platform-mismatch",
                format!(
                    "the index says {field} {}, the image's config says {}: a client picks this entry for a platform it was not built for",
                    if a.is_empty() { "(none)" } else { a },
                    if b.is_empty() { "(none)" } else { b }
                ),
            )
        })
        .collect()
}

/// The details of an inspected manifest: an image (config, layers, sizes) or a nested index
/// (its children).
pub fn details_of(
    repository: &Repository,
    inspection: &Inspection,
    declared: Option<&Platform>,
) -> ChildDetails {
    let manifest = &inspection.manifest;
    let mut details = ChildDetails {
        reference: format!("{repository}@{}", manifest.digest),
        digest: manifest.digest.to_string(),
        media_type: manifest.media_type.clone(),
        total_size: manifest.bytes.len() as u64,
        ..ChildDetails::default()
    };
    if let Some(image) = &inspection.image {
        fill_image(&mut details, image, declared);
    }
    details.children = inspection
        .children
        .iter()
        .map(|c| NestedChild {
            digest: c.descriptor.digest.to_string(),
            media_type: c.descriptor.media_type.to_string(),
            platform: c.descriptor.platform.as_ref().map(platform_text),
            size: c.descriptor.size,
            total_size: c.image.as_ref().map(|i| i.total_size),
        })
        .collect();
    details
}

fn fill_image(details: &mut ChildDetails, image: &ImageSummary, declared: Option<&Platform>) {
    details.config_digest = Some(image.config.digest.to_string());
    details.config_platform = image.config_platform.as_ref().map(platform_text);
    details.created = image.created.clone();
    details.layers = layers_of(&image.manifest.bytes);
    details.total_size = image.total_size;
    details.findings = platform_findings(declared, image.config_platform.as_ref());
}

/// Fetches entry `index` (`digest`) of the document from `repository`, with its config, and
/// opens its details.
/// Inspects a child of the document (registry module): `declared` is the platform its entry
/// declares, to compare with its config's.
pub(crate) async fn inspect(
    settings: &RegistrySettings,
    repository: &str,
    digest: &str,
    declared: Option<&Platform>,
) -> Result<ChildDetails, Failure> {
    let repo = parse_repository(repository)?;
    let parsed = digest.parse().map_err(|_| {
        Failure::new(
            "descriptor/invalid-digest",
            format!("{digest:?} is not a digest"),
        )
    })?;
    let mut session = session_for(settings, &repo.registry);
    let mut op = Inspect::new(&session, &repo, ManifestRef::Digest(parsed));
    let inspection = drive(&mut op, &mut session, settings, |_| {}).await?;
    Ok(details_of(&repo, &inspection, declared))
}

pub fn inspect_child(
    ctx: DocumentContext,
    settings: RegistrySettings,
    repository: String,
    index: usize,
    digest: String,
) {
    let declared = ctx
        .analysis
        .rows
        .get(index)
        .and_then(|r| r.platform.clone());
    ctx.dispatch(Action::InspectStarted {
        index,
        digest: digest.clone(),
    });
    yew::platform::spawn_local(async move {
        let request = Request::Inspect {
            repository,
            digest: digest.clone(),
            declared,
        };
        let result = remote::call(&settings, &request, |_| {}).await;
        ctx.dispatch(Action::InspectFinished {
            index,
            digest,
            result,
        });
    });
}

pub fn platform_count(bytes: &[u8]) -> Option<usize> {
    let value = value_of(bytes)?;
    match value.get("manifests").and_then(Value::as_array) {
        Some(_) => Some(
            rows::rows(&value)
                .iter()
                .filter(|r| !r.is_attestation() && r.platform.is_some())
                .count(),
        ),
        None if value.get("layers").is_some() => Some(1),
        None => None,
    }
}

/// Tag rows sorted by tag.
pub fn sorted(mut rows: Vec<TagRow>) -> Vec<TagRow> {
    rows.sort_by(|a, b| a.tag.cmp(&b.tag));
    rows
}

async fn tag_row(settings: &RegistrySettings, repo: &Repository, tag: String) -> TagRow {
    let mut session = session_for(settings, &repo.registry);
    let mut op = FetchManifest::new(&session, repo, ManifestRef::Tag(tag.clone()));
    match drive(&mut op, &mut session, settings, |_| {}).await {
        Ok(m) => TagRow {
            platforms: platform_count(&m.bytes),
            digest: m.digest.to_string(),
            media_type: m.media_type,
            tag,
            error: None,
        },
        Err(e) => TagRow {
            tag,
            digest: String::new(),
            media_type: String::new(),
            platforms: None,
            error: Some(Failure::from(e).message),
        },
    }
}

/// Lists a repository's tags and reads each tag's manifest (digest, kind, platforms).
/// A repository's tags, each with what it points at (registry module).
pub(crate) async fn tags(
    settings: &RegistrySettings,
    repository: &str,
) -> Result<TagListing, Failure> {
    let repo = parse_repository(repository)?;
    let mut session = session_for(settings, &repo.registry);
    let mut op = ListTags::new(&session, &repo, None);
    let mut tags = drive(&mut op, &mut session, settings, |_| {}).await?;
    tags.sort();
    let mut rows = Vec::with_capacity(tags.len());
    for batch in tags.chunks(TAG_BATCH) {
        let reads = batch.iter().map(|t| tag_row(settings, &repo, t.clone()));
        rows.extend(futures::future::join_all(reads).await);
    }
    Ok(TagListing {
        repository: repo.to_string(),
        tags: sorted(rows),
    })
}

pub fn list_tags(ctx: DocumentContext, settings: RegistrySettings, repository: String) {
    ctx.dispatch(Action::TagsStarted);
    yew::platform::spawn_local(async move {
        let request = Request::Tags { repository };
        let result = remote::call(&settings, &request, |_| {}).await;
        ctx.dispatch(Action::TagsFinished(result));
    });
}

pub fn copy_entries(bytes: &[u8]) -> Vec<CopyEntry> {
    let Some(value) = value_of(bytes) else {
        return Vec::new();
    };
    if value.get("manifests").is_none() {
        return Vec::new();
    }
    rows::rows(&value)
        .iter()
        .filter(|r| !r.is_attestation())
        .map(|r| CopyEntry {
            digest: r.digest.clone(),
            platform: r.platform_label(),
        })
        .collect()
}

/// The index reduced to the entries whose digests are `keep` (their attestations go with the
/// removed ones), or the bytes unchanged when every entry is kept.
pub fn keep_only(bytes: &[u8], entries: &[CopyEntry], keep: &[String]) -> Result<Vec<u8>, Failure> {
    if entries.iter().all(|e| keep.contains(&e.digest)) {
        return Ok(bytes.to_vec());
    }
    if keep.is_empty() {
        return Err(Failure::new(
            "copy/nothing-ticked",
            "tick at least one platform to copy",
        ));
    }
    let edits: Vec<Edit> = entries
        .iter()
        .filter(|e| !keep.contains(&e.digest))
        .map(|e| Edit::Remove {
            selector: Selector::Digest(e.digest.clone()),
        })
        .collect();
    compose::edit_index(bytes, &edits, None)
        .map(|c| c.bytes)
        .map_err(Failure::from)
}

fn target_of(reference: &str) -> Result<(Repository, String), Failure> {
    let target = parse_reference(reference)?;
    if target.digest.is_some() {
        return Err(Failure::new(
            "reference/digest",
            "copy to a tag (repository:tag), not to a digest",
        ));
    }
    Ok((
        target.repository,
        target.tag.unwrap_or_else(|| "latest".into()),
    ))
}

/// Reads the source, keeps the ticked platforms (`keep`: `None` for all), and works out what
/// the target already has: the plan, without writing.
/// What copying `source` to `target` would do (registry module), keeping the entries whose
/// digests are in `keep` (all when `None`).
pub(crate) async fn copy_plan(
    settings: &RegistrySettings,
    source: &str,
    target: &str,
    keep: Option<Vec<String>>,
) -> Result<CopyPlan, Failure> {
    let image = parse_reference(source)?;
    let (target_repo, tag) = target_of(target)?;
    let mut session = session_for(settings, &image.repository.registry);
    let mut fetch = FetchManifest::new(&session, &image.repository, image.manifest_ref());
    let manifest = drive(&mut fetch, &mut session, settings, |_| {}).await?;
    if std::str::from_utf8(&manifest.bytes).is_err() {
        // The plan crosses to the page and back as text.
        return Err(Failure::new(
            "json/invalid-utf8",
            "the manifest is not UTF-8 text",
        ));
    }
    let entries = copy_entries(&manifest.bytes);
    let kept = keep.unwrap_or_else(|| entries.iter().map(|e| e.digest.clone()).collect());
    let bytes = keep_only(&manifest.bytes, &entries, &kept)?;
    let digest = indexsmith::digest::sha256(&bytes).to_string();
    let mut session = session_for(settings, &target_repo.registry);
    let mut op = Transfer::plan(
        &session,
        &target_repo,
        Some(tag.clone()),
        bytes.clone(),
        &manifest.media_type,
        vec![image.repository.clone()],
    );
    let steps = match drive(&mut op, &mut session, settings, |_| {}).await? {
        TransferOutput::Plan(plan) => plan_steps(&plan),
        TransferOutput::Pushed(_) => {
            return Err(Failure::new("INVALID_RESPONSE", "the dry run pushed"))
        }
    };
    Ok(CopyPlan {
        source: image.to_string(),
        target: format!("{target_repo}:{tag}"),
        bytes: Rc::new(bytes),
        media_type: manifest.media_type,
        digest,
        entries,
        kept,
        steps,
    })
}

pub fn plan_copy(
    ctx: DocumentContext,
    settings: RegistrySettings,
    source: String,
    target: String,
    keep: Option<Vec<String>>,
) {
    ctx.dispatch(Action::CopyPlanStarted);
    yew::platform::spawn_local(async move {
        let request = Request::PlanCopy {
            source,
            target,
            keep,
        };
        let result = remote::call(&settings, &request, |_| {}).await;
        ctx.dispatch(Action::CopyPlanFinished(result));
    });
}

/// Copies as planned (registry module); each manifest and blob is a line for `progress`.
pub(crate) async fn copy_image(
    settings: &RegistrySettings,
    plan: CopyPlan,
    progress: &dyn Fn(String),
) -> Result<Pushed, Failure> {
    let image = parse_reference(&plan.source)?;
    let (target_repo, tag) = target_of(&plan.target)?;
    let mut session = session_for(settings, &target_repo.registry);
    let mut op = Transfer::push(
        &session,
        &target_repo,
        Some(tag.clone()),
        plan.bytes.to_vec(),
        &plan.media_type,
        vec![image.repository.clone()],
    );
    let output = drive(&mut op, &mut session, settings, |e| {
        progress(event_line(&e))
    })
    .await?;
    match output {
        TransferOutput::Pushed(report) => {
            let digest = report.digest.map(|d| d.to_string()).unwrap_or_default();
            Ok(Pushed {
                reference: plan.target.clone(),
                verified: digest == plan.digest,
                digest,
            })
        }
        TransferOutput::Plan(_) => Err(Failure::new("INVALID_RESPONSE", "the copy only planned")),
    }
}

pub fn copy(ctx: DocumentContext, settings: RegistrySettings, plan: CopyPlan) {
    ctx.dispatch(Action::CopyStarted);
    yew::platform::spawn_local(async move {
        let progress = ctx.clone();
        let request = Request::Copy { plan };
        let result = remote::call(&settings, &request, move |line| {
            progress.dispatch(Action::CopyProgress(line))
        })
        .await;
        ctx.dispatch(Action::CopyFinished(result));
    });
}
