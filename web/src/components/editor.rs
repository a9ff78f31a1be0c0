//! The JSON editor: a `<textarea>` with a line-number gutter and, behind it, a layer that mirrors
//! the text with `<mark>`s under each diagnostic. The document is always rendered as text nodes.

use crate::highlight::{line_count, segments};
use crate::state::Analysis;
use indexsmith::Severity;
use std::rc::Rc;
use web_sys::{DragEvent, HtmlTextAreaElement};
use yew::prelude::*;

/// Diagnostics marked in the text at most (the list shows every one).
pub const MARK_LIMIT: usize = 500;

#[derive(Properties, PartialEq)]
pub struct EditorProps {
    pub text: String,
    pub analysis: Rc<Analysis>,
    pub on_input: Callback<String>,
    /// A file was dropped on the editor.
    pub on_drop_file: Callback<web_sys::File>,
    pub textarea: NodeRef,
}

fn severity_class(s: Severity) -> &'static str {
    match s {
        Severity::Error => "mark-error",
        Severity::Warning => "mark-warning",
        Severity::Info => "mark-info",
    }
}

#[function_component(Editor)]
pub fn editor(props: &EditorProps) -> Html {
    let gutter = use_node_ref();
    let backdrop = use_node_ref();
    let dragging = use_state(|| false);

    let oninput = {
        let on_input = props.on_input.clone();
        Callback::from(move |e: InputEvent| {
            let area: HtmlTextAreaElement = e.target_unchecked_into();
            on_input.emit(area.value());
        })
    };
    let onscroll = {
        let (gutter, backdrop) = (gutter.clone(), backdrop.clone());
        Callback::from(move |e: Event| {
            let area: HtmlTextAreaElement = e.target_unchecked_into();
            if let Some(g) = gutter.cast::<web_sys::Element>() {
                g.set_scroll_top(area.scroll_top());
            }
            if let Some(b) = backdrop.cast::<web_sys::Element>() {
                b.set_scroll_top(area.scroll_top());
                b.set_scroll_left(area.scroll_left());
            }
        })
    };
    let ondragover = {
        let dragging = dragging.clone();
        Callback::from(move |e: DragEvent| {
            let has_files = e
                .data_transfer()
                .map(|d| d.types().includes(&"Files".into(), 0))
                .unwrap_or(false);
            if has_files {
                e.prevent_default();
                dragging.set(true);
            }
        })
    };
    let ondragleave = {
        let dragging = dragging.clone();
        Callback::from(move |_: DragEvent| dragging.set(false))
    };
    let ondrop = {
        let (dragging, on_drop_file) = (dragging.clone(), props.on_drop_file.clone());
        Callback::from(move |e: DragEvent| {
            dragging.set(false);
            let file = e
                .data_transfer()
                .and_then(|d| d.files())
                .and_then(|f| f.get(0));
            if let Some(file) = file {
                e.prevent_default();
                on_drop_file.emit(file);
            }
        })
    };

    let text = props.text.as_str();
    let all = &props.analysis.report.diagnostics;
    // Marking is quadratic in the number of marks; past this many, only the first are marked.
    let diagnostics = &all[..all.len().min(MARK_LIMIT)];
    let marked: Html = segments(text, diagnostics)
        .into_iter()
        .map(|s| {
            let slice = text[s.start..s.end].to_owned();
            match (s.severity, s.diagnostic) {
                (Some(sev), Some(i)) => {
                    let title = diagnostics
                        .get(i)
                        .map(|d| format!("{}: {}", d.code.as_str(), d.message))
                        .unwrap_or_default();
                    html! { <mark class={severity_class(sev)} title={title}>{slice}</mark> }
                }
                _ => html! { {slice} },
            }
        })
        .collect();
    let lines = line_count(text);
    let mut numbers = String::with_capacity(lines * 4);
    for n in 1..=lines {
        numbers.push_str(&n.to_string());
        numbers.push('\n');
    }

    html! {
        <div class={classes!("editor", (*dragging).then_some("dragging"))}
             {ondragover} {ondragleave} {ondrop}>
            <pre class="gutter" ref={gutter} aria-hidden="true">{numbers}</pre>
            <div class="code">
                <div class="backdrop" ref={backdrop} aria-hidden="true">
                    // The trailing newline keeps the last line's height equal to the textarea's.
                    <pre class="highlights">{marked}{"\n "}</pre>
                </div>
                <textarea
                    ref={props.textarea.clone()}
                    class="input"
                    aria-label="Manifest JSON"
                    spellcheck="false"
                    autocapitalize="off"
                    autocomplete="off"
                    wrap="off"
                    value={props.text.clone()}
                    {oninput}
                    {onscroll}
                />
            </div>
        </div>
    }
}
