//! The diagnostics list; clicking one selects its span in the editor.

use crate::state::Analysis;
use std::rc::Rc;
use yew::prelude::*;

/// Diagnostics listed at most, so a pathological document keeps the page responsive.
pub const LIST_LIMIT: usize = 1000;

#[derive(Properties, PartialEq)]
pub struct DiagnosticsProps {
    pub analysis: Rc<Analysis>,
    /// Called with the index of the diagnostic to show.
    pub on_select: Callback<usize>,
}

#[function_component(Diagnostics)]
pub fn diagnostics(props: &DiagnosticsProps) -> Html {
    let list = &props.analysis.report.diagnostics;
    if list.is_empty() {
        return html! {
            <section class="diagnostics" aria-label="Diagnostics">
                <p class="empty">{"No findings: the document follows the specifications."}</p>
            </section>
        };
    }
    html! {
        <section class="diagnostics" aria-label="Diagnostics">
            <ul>
                { for list.iter().enumerate().take(LIST_LIMIT).map(|(i, d)| {
                    let on_select = props.on_select.clone();
                    let onclick = Callback::from(move |_| on_select.emit(i));
                    let sev = d.severity.as_str();
                    html! {
                        <li class={classes!("diag", sev)}>
                            <button type="button" {onclick} title="Show in the editor">
                                <span class={classes!("sev", sev)}>{sev}</span>
                                <code class="code">{d.code.as_str()}</code>
                                <span class="where">{format!("{}:{}", d.span.start.line, d.span.start.column)}</span>
                                <span class="msg">{d.message.clone()}</span>
                                { for d.help.as_ref().map(|h| html!{ <span class="help">{h.clone()}</span> }) }
                                { if d.pointer.is_empty() { html!{} } else { html!{ <code class="ptr">{d.pointer.clone()}</code> } } }
                            </button>
                        </li>
                    }
                }) }
            </ul>
            { if list.len() > LIST_LIMIT {
                html!{ <p class="muted more">{format!("…and {} more; fix these first.", list.len() - LIST_LIMIT)}</p> }
            } else { html!{} } }
        </section>
    }
}
