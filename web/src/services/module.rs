//! The registry module's side of the boundary: one call, decoded, run and answered. The module
//! (`web/registry`, its own WebAssembly module) exports [`handle`] to the page; the page's side is
//! [`super::remote`].

use super::images;
use super::registry::{self, Transferred};
use super::wire::{decode_call, encode_result, Request};
use crate::state::Pushed;

/// Runs the call `call` (see [`super::wire::encode_call`]) and answers with its encoded result;
/// progress lines (one per manifest and blob pushed) go to `progress` as they happen.
pub async fn handle(call: &str, progress: &dyn Fn(String)) -> String {
    let (settings, request) = match decode_call(call) {
        Ok(call) => call,
        Err(f) => return encode_result::<Pushed>(&Err(f)),
    };
    match request {
        Request::Fetch { reference } => {
            encode_result(&registry::fetch(&settings, &reference).await)
        }
        Request::Child { reference } => {
            encode_result(&registry::fetch_child(&settings, &reference).await)
        }
        Request::Push(request) => match registry::transfer(&settings, request, progress).await {
            Ok(Transferred::Plan(plan)) => encode_result(&Ok(plan)),
            Ok(Transferred::Pushed(pushed)) => encode_result(&Ok(pushed)),
            Err(f) => encode_result::<Pushed>(&Err(f)),
        },
        Request::Inspect {
            repository,
            digest,
            declared,
        } => encode_result(
            &images::inspect(&settings, &repository, &digest, declared.as_ref()).await,
        ),
        Request::Tags { repository } => encode_result(&images::tags(&settings, &repository).await),
        Request::PlanCopy {
            source,
            target,
            keep,
        } => encode_result(&images::copy_plan(&settings, &source, &target, keep).await),
        Request::Copy { plan } => {
            encode_result(&images::copy_image(&settings, plan, progress).await)
        }
    }
}
