//! Resolution preview: which entry a client pulls for a platform, and why, candidate by candidate.

use crate::resolution::{preview, Preview};
use crate::rows::Row;
use crate::state::{Action, DocumentContext};
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Platforms offered in the picker.
pub const COMMON: &[&str] = &[
    "linux/amd64",
    "linux/arm64",
    "linux/arm64/v8",
    "linux/arm/v7",
    "linux/arm/v6",
    "linux/386",
    "linux/ppc64le",
    "linux/s390x",
    "linux/riscv64",
    "windows/amd64",
    "windows/amd64:10.0.20348",
    "windows/amd64:10.0.17763",
];

#[function_component(ResolvePanel)]
pub fn resolve_panel() -> Html {
    let ctx = use_context::<DocumentContext>().expect("document context");
    let strict = use_state(|| false);
    let oninput = {
        let ctx = ctx.clone();
        Callback::from(move |e: InputEvent| {
            let i: HtmlInputElement = e.target_unchecked_into();
            ctx.dispatch(Action::SetPlatform(i.value()));
        })
    };
    let on_strict = {
        let strict = strict.clone();
        Callback::from(move |e: Event| {
            let i: HtmlInputElement = e.target_unchecked_into();
            strict.set(i.checked());
        })
    };
    let pick = |p: &'static str| {
        let ctx = ctx.clone();
        Callback::from(move |_: MouseEvent| ctx.dispatch(Action::SetPlatform(p.to_owned())))
    };
    let rows: &[Row] = &ctx.analysis.rows;
    let result = match preview(&ctx.text, &ctx.options.platform, *strict) {
        Preview::Empty => html! { <p class="muted">{"Type a platform, or pick one above."}</p> },
        Preview::BadPlatform(f) => {
            html! { <p class="error" role="alert">{format!("{} ({})", f.message, f.code)}</p> }
        }
        Preview::BadDocument(f) => {
            html! { <p class="error" role="alert">{format!("{} ({})", f.message, f.code)}</p> }
        }
        Preview::Resolved(r) => {
            let headline = match r.selected {
                Some(i) => {
                    let digest = rows
                        .get(i)
                        .map(|row| row.short_digest())
                        .unwrap_or_default();
                    html! { <p class="verdict ok" role="status">{"Pulls entry "}<strong>{i}</strong>{format!(" ({}, {digest})", rows.get(i).map(Row::platform_label).unwrap_or_default())}</p> }
                }
                None => {
                    html! { <p class="verdict error" role="status">{"No entry matches: the pull fails (\"no match for platform in manifest\")."}</p> }
                }
            };
            let prefs: Vec<String> = r.preferences.iter().map(|p| p.to_string()).collect();
            html! {
                <>
                {headline}
                <p class="muted">{"Accepted, most preferred first: "}{ for prefs.iter().map(|p| html!{ <code class="tag">{p.clone()}</code> }) }</p>
                <ol class="candidates" aria-label="Candidates">
                    { for r.candidates.iter().map(|c| {
                        let chosen = r.selected == Some(c.index);
                        let label = c.platform.as_ref().map(|p| {
                            let mut s = p.to_string();
                            if let Some(v) = &p.os_version { s.push(':'); s.push_str(v); }
                            s
                        }).unwrap_or_else(|| "no platform".into());
                        html! {
                            <li class={classes!(if chosen { "chosen" } else if c.matched { "matched" } else { "rejected" })}>
                                <strong>{format!("#{} ", c.index)}</strong><code>{label}</code>{" "}
                                <span class="badge">{c.reason.code().trim_start_matches("resolve/")}</span>
                                <div class="muted">{c.message.clone()}</div>
                            </li>
                        }
                    }) }
                </ol>
                </>
            }
        }
    };
    html! {
        <div class="resolve-panel">
            <div class="inline-form">
                <label class="grow">
                    <span>{"Platform of the pulling client"}</span>
                    <input type="text" list="common-platforms" spellcheck="false" aria-label="Platform"
                           placeholder="linux/arm/v7 or windows/amd64:10.0.20348" value={ctx.options.platform.clone()} {oninput} />
                </label>
                <label class="inline"><input type="checkbox" checked={*strict} onchange={on_strict} />{" strict (no fallbacks)"}</label>
            </div>
            <datalist id="common-platforms">
                { for COMMON.iter().map(|p| html!{ <option value={*p} /> }) }
            </datalist>
            <div class="buttons picks" aria-label="Common platforms">
                { for COMMON.iter().take(6).map(|p| html!{ <button type="button" class="chip" onclick={pick(p)}>{*p}</button> }) }
            </div>
            {result}
        </div>
    }
}
