//! Registry calls: drives the registry protocol's state machine over gloo-net.

use crate::state::{Action, DocumentContext, Failure};

/// How to reach registries, kept in memory only (never in the URL or storage).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RegistrySettings {
    /// Path prefix of a same-origin proxy (`/proxy` → `/proxy/<host>/v2/…`); empty for direct.
    pub proxy: String,
    pub username: String,
    pub password: String,
}

fn unavailable(ctx: &DocumentContext, done: fn(Result<crate::state::Fetched, Failure>) -> Action) {
    ctx.dispatch(done(Err(Failure::new("registry/unavailable", "registry access is not part of this build yet"))));
}

pub fn fetch_document(ctx: DocumentContext, _settings: RegistrySettings, _reference: String) {
    ctx.dispatch(Action::FetchStarted);
    unavailable(&ctx, Action::FetchFinished);
}

pub fn compare_with(ctx: DocumentContext, _settings: RegistrySettings, _reference: String) {
    ctx.dispatch(Action::CompareStarted);
    unavailable(&ctx, Action::CompareFinished);
}

pub fn add_child_by_reference(ctx: DocumentContext, _settings: RegistrySettings, _reference: String) {
    ctx.dispatch(Action::ChildStarted);
    unavailable(&ctx, Action::ChildFinished);
}

pub fn list_tags(ctx: DocumentContext, _settings: RegistrySettings, _repository: String) {
    ctx.dispatch(Action::TagsStarted);
    ctx.dispatch(Action::TagsFinished(Err(Failure::new("registry/unavailable", "registry access is not part of this build yet"))));
}

pub fn plan_push(ctx: DocumentContext, _settings: RegistrySettings, _reference: String, _source: String) {
    ctx.dispatch(Action::PlanStarted);
    ctx.dispatch(Action::PlanFinished(Err(Failure::new("registry/unavailable", "registry access is not part of this build yet"))));
}

pub fn push(ctx: DocumentContext, _settings: RegistrySettings, _reference: String, _source: String) {
    ctx.dispatch(Action::PushStarted);
    ctx.dispatch(Action::PushFinished(Err(Failure::new("registry/unavailable", "registry access is not part of this build yet"))));
}
