//! The diagnostics list; clicking one selects its span in the editor.
//!
//! Past [`VIRTUAL_FROM`] findings the list renders only the items in view (each one line of a
//! fixed height, its full text in the tooltip), so a document with thousands of warnings builds
//! a few dozen nodes.

use crate::hooks::use_virtual::use_virtual;
use crate::state::Analysis;
use indexsmith::Diagnostic;
use std::rc::Rc;
use yew::prelude::*;

/// Lists with more findings than this render only the items in view.
pub const VIRTUAL_FROM: usize = 100;
/// The height of an item of a virtualized list (CSS `.diagnostics.virtual .diag`), until the
/// rendered items are measured.
pub const ITEM_HEIGHT: f64 = 48.0;

#[derive(Properties, PartialEq)]
pub struct DiagnosticsProps {
    pub analysis: Rc<Analysis>,
    /// Called with the index of the diagnostic to show.
    pub on_select: Callback<usize>,
}

fn item(i: usize, d: &Diagnostic, on_select: &Callback<usize>, compact: bool) -> Html {
    let on_select = on_select.clone();
    let onclick = Callback::from(move |_| on_select.emit(i));
    let sev = d.severity.as_str();
    let title = if compact {
        let mut t = format!("{} {}: {}", sev, d.code.as_str(), d.message);
        if let Some(h) = &d.help {
            t.push('\n');
            t.push_str(h);
        }
        if !d.pointer.is_empty() {
            t.push('\n');
            t.push_str(&d.pointer);
        }
        t
    } else {
        "Show in the editor".to_owned()
    };
    html! {
        <li key={i} class={classes!("diag", sev)} data-row="">
            <button type="button" {onclick} {title}>
                <span class={classes!("sev", sev)}>{sev}</span>
                <code class="code">{d.code.as_str()}</code>
                <span class="where">{format!("{}:{}", d.span.start.line, d.span.start.column)}</span>
                <span class="msg">{d.message.clone()}</span>
                { if compact { html!{} } else { html!{ <>
                    { for d.help.as_ref().map(|h| html!{ <span class="help">{h.clone()}</span> }) }
                    { if d.pointer.is_empty() { html!{} } else { html!{ <code class="ptr">{d.pointer.clone()}</code> } } }
                </> } } }
            </button>
        </li>
    }
}

#[function_component(Diagnostics)]
pub fn diagnostics(props: &DiagnosticsProps) -> Html {
    let list = &props.analysis.report.diagnostics;
    let container = use_node_ref();
    let compact = list.len() > VIRTUAL_FROM;
    let (window, onscroll) = use_virtual(
        container.clone(),
        if compact { list.len() } else { 0 },
        ITEM_HEIGHT,
        None,
    );
    if list.is_empty() {
        return html! {
            <section class="diagnostics" aria-label="Diagnostics" ref={container}>
                <p class="empty">{"No findings: the document follows the specifications."}</p>
            </section>
        };
    }
    let (first, end) = if compact {
        (window.first, window.end)
    } else {
        (0, list.len())
    };
    let spacer = |px: f64| {
        if compact && px > 0.0 {
            html! { <li class="spacer" aria-hidden="true" style={format!("height: {}px", px.round() as u64)}></li> }
        } else {
            html! {}
        }
    };
    html! {
        <section class={classes!("diagnostics", compact.then_some("virtual"))} aria-label="Diagnostics"
                 ref={container} {onscroll}>
            <ul>
                {spacer(window.before)}
                // A list of its own, matched by key (see the platform table).
                { list[first..end].iter().enumerate().map(|(k, d)| item(first + k, d, &props.on_select, compact)).collect::<Html>() }
                {spacer(window.after)}
            </ul>
        </section>
    }
}
