//! What a write to a registry (a push or a copy) shows while it runs and once it is done: its
//! progress lines, its failure, or the digest the registry returned and whether it is the digest
//! of the bytes sent.

use super::error_alert::ErrorAlert;
use crate::state::{Pushed, Remote};
use yew::prelude::*;

/// The words of one kind of transfer.
#[derive(Clone, Copy, PartialEq)]
pub struct TransferWords {
    /// While it runs, e.g. `Pushing…`.
    pub running: &'static str,
    /// Before the reference once done, e.g. `Pushed`.
    pub done: &'static str,
    /// The accessible name of the returned digest, e.g. `Pushed digest`.
    pub digest_label: &'static str,
}

pub const PUSH: TransferWords = TransferWords {
    running: "Pushing…",
    done: "Pushed",
    digest_label: "Pushed digest",
};

pub const COPY: TransferWords = TransferWords {
    running: "Copying…",
    done: "Copied to",
    digest_label: "Copied digest",
};

/// The view of a transfer in `state`, with its `progress` lines.
pub fn transfer_status(state: &Remote<Pushed>, progress: &[String], words: TransferWords) -> Html {
    let lines = || html! { <ul class="progress">{ for progress.iter().map(|l| html!{ <li>{l.clone()}</li> }) }</ul> };
    match state {
        Remote::Idle => html! {},
        Remote::Loading => html! {
            <div role="status" aria-live="polite">
                <p class="muted">{words.running}</p>
                { lines() }
            </div>
        },
        Remote::Failed(f) => html! { <ErrorAlert failure={f.clone()} /> },
        Remote::Loaded(p) => html! {
            <div role="status" aria-live="polite" class="push-result">
                <p class={if p.verified { "ok" } else { "error" }}>
                    {format!("{} {}: the registry returned ", words.done, p.reference)}
                    <output class="mono" aria-label={words.digest_label}>{p.digest.clone()}</output>
                    { if p.verified { " — it matches the bytes sent." } else { " — it does NOT match the bytes sent." } }
                </p>
                <details><summary>{format!("{} step(s)", progress.len())}</summary>
                    { lines() }
                </details>
            </div>
        },
    }
}
