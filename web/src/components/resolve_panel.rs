//! Resolution preview: which entry a client pulls for a platform, and why.

use crate::state::{Action, DocumentContext};
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Platforms offered in the picker.
pub const COMMON: &[&str] = &[
    "linux/amd64", "linux/arm64", "linux/arm64/v8", "linux/arm/v7", "linux/arm/v6", "linux/386",
    "linux/ppc64le", "linux/s390x", "linux/riscv64", "windows/amd64", "windows/amd64:10.0.20348",
    "windows/amd64:10.0.17763",
];

#[function_component(ResolvePanel)]
pub fn resolve_panel() -> Html {
    let ctx = use_context::<DocumentContext>().expect("document context");
    let oninput = {
        let ctx = ctx.clone();
        Callback::from(move |e: InputEvent| {
            let i: HtmlInputElement = e.target_unchecked_into();
            ctx.dispatch(Action::SetPlatform(i.value()));
        })
    };
    html! {
        <div class="resolve-panel">
            <label>
                <span>{"Platform of the pulling client"}</span>
                <input type="text" list="common-platforms" spellcheck="false" aria-label="Platform"
                       placeholder="linux/arm/v7 or windows/amd64:10.0.20348" value={ctx.options.platform.clone()} {oninput} />
            </label>
            <datalist id="common-platforms">
                { for COMMON.iter().map(|p| html!{ <option value={*p} /> }) }
            </datalist>
            <p class="muted">{"The resolution preview is not part of this build yet."}</p>
        </div>
    }
}
