//! The constructors of [`RegistryOperation`], one per npm function, and `run`, which drives the
//! operation to its end and converts its output.

use super::options::{invalid_input, parse_ref, parse_repo, session, strings};
use super::results::{
    created, fetched, CopyResult, InspectResult, PlanResult, PushReportResult, RegistryEvent,
};
use super::{registry_error, Op, RegistryOperation, TransferShape};
use crate::convert::to_js;
use crate::error::{error, ErrorCode};
use crate::transport::JsTransport;
use indexsmith::compose;
use indexsmith_registry::driver::Driver;
use indexsmith_registry::ops::{
    CreateIndex, FetchManifest, Inspect, ListTags, NestedIndex, Transfer, TransferOutput,
};
use indexsmith_registry::Repository;
use wasm_bindgen::prelude::*;

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
