//! The JSON editor: CodeMirror 6 (bundled from `web/editor/editor.js`, loaded by `index.html`),
//! driven through its facade `globalThis.indexsmithEditor`. CodeMirror renders what is in view
//! only — text, highlighting, line numbers and diagnostic marks — and brings search, folding,
//! bracket matching and its own undo history.
//!
//! Edits reach the app at most once per animation frame; the app's own changes (a load, a table
//! edit, undo) are pushed back with `setText`. Should the editor script be missing, a plain
//! `<textarea>` keeps the page usable.

use crate::state::Analysis;
use indexsmith::{Diagnostic, Severity};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use web_sys::{DragEvent, HtmlTextAreaElement};
use yew::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// One CodeMirror editor (the facade's handle).
    #[derive(Clone)]
    pub type EditorHandle;

    #[wasm_bindgen(catch, js_namespace = indexsmithEditor, js_name = create)]
    fn create_editor(
        parent: &web_sys::Element,
        text: &str,
        on_change: &js_sys::Function,
    ) -> Result<EditorHandle, JsValue>;

    #[wasm_bindgen(method, js_name = setText)]
    fn set_text(this: &EditorHandle, text: &str);

    #[wasm_bindgen(method, js_name = setDiagnostics)]
    fn set_diagnostics(this: &EditorHandle, positions: &[u32], messages: &str);

    #[wasm_bindgen(method)]
    fn select(this: &EditorHandle, start_line: u32, start_col: u32, end_line: u32, end_col: u32);

    #[wasm_bindgen(method)]
    fn flush(this: &EditorHandle);

    #[wasm_bindgen(method)]
    fn destroy(this: &EditorHandle);
}

/// The editor a page holds, for the parts of the page that act on it (the diagnostics list
/// selects a finding's span; a table edit first takes the keystrokes not yet reported).
#[derive(Clone, Default)]
pub struct EditorRef(Rc<RefCell<Option<EditorHandle>>>);

impl PartialEq for EditorRef {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl EditorRef {
    /// Selects a diagnostic's span, scrolls it into view and focuses the editor.
    pub fn select(&self, d: &Diagnostic) {
        if let Some(h) = self.0.borrow().as_ref() {
            let (s, e) = (&d.span.start, &d.span.end);
            h.select(s.line, s.column, e.line, e.column);
        }
    }

    /// Reports an edit the editor still holds back (it reports once per frame).
    pub fn flush(&self) {
        let handle = self.0.borrow().clone();
        if let Some(h) = handle {
            h.flush();
        }
    }
}

/// Diagnostics packed for the editor: five numbers each (start line, start column, end line,
/// end column, severity 0 error / 1 warning / 2 info) and their tooltips joined by `\0`.
pub fn pack_diagnostics(diagnostics: &[Diagnostic]) -> (Vec<u32>, String) {
    let mut positions = Vec::with_capacity(diagnostics.len() * 5);
    let mut messages = String::new();
    for (i, d) in diagnostics.iter().enumerate() {
        positions.extend([
            d.span.start.line,
            d.span.start.column,
            d.span.end.line,
            d.span.end.column,
            match d.severity {
                Severity::Error => 0,
                Severity::Warning => 1,
                Severity::Info => 2,
            },
        ]);
        if i > 0 {
            messages.push('\0');
        }
        messages.push_str(d.code.as_str());
        messages.push_str(": ");
        // A message never holds the separator; should one, it only splits a tooltip.
        messages.extend(d.message.chars().map(|c| if c == '\0' { ' ' } else { c }));
    }
    (positions, messages)
}

#[derive(Properties, PartialEq)]
pub struct EditorProps {
    /// Shared with the app's state: comparing and passing it costs no copy of the document.
    pub text: Rc<str>,
    pub analysis: Rc<Analysis>,
    pub on_input: Callback<String>,
    /// A file was dropped on the editor.
    pub on_drop_file: Callback<web_sys::File>,
    pub editor: EditorRef,
}

#[function_component(Editor)]
pub fn editor(props: &EditorProps) -> Html {
    let host = use_node_ref();
    let dragging = use_state(|| false);
    let fallback = use_state(|| false);
    // The latest callback, for the editor's change listener created once.
    let on_input = use_mut_ref(|| props.on_input.clone());
    *on_input.borrow_mut() = props.on_input.clone();
    // The text the editor holds as far as the app knows (the last one it reported or was
    // given): the app's text equal to it needs no `setText`.
    let reported = use_mut_ref(String::new);

    {
        let (host, editor, fallback) = (host.clone(), props.editor.clone(), fallback.clone());
        let (on_input, reported, text) = (on_input.clone(), reported.clone(), props.text.clone());
        use_effect_with((), move |_| {
            let given = reported.clone();
            let listener = Closure::<dyn FnMut(String)>::new(move |text: String| {
                reported.borrow_mut().clone_from(&text);
                let callback = on_input.borrow().clone();
                callback.emit(text);
            });
            let created = host.cast::<web_sys::Element>().and_then(|parent| {
                create_editor(&parent, &text, listener.as_ref().unchecked_ref()).ok()
            });
            match created {
                Some(h) => {
                    *given.borrow_mut() = text.to_string();
                    *editor.0.borrow_mut() = Some(h);
                }
                None => fallback.set(true),
            }
            move || {
                if let Some(h) = editor.0.borrow_mut().take() {
                    h.destroy();
                }
                drop(listener);
            }
        });
    }
    {
        let (editor, reported) = (props.editor.clone(), reported.clone());
        use_effect_with(props.text.clone(), move |text| {
            if reported.borrow().as_str() != &**text {
                if let Some(h) = editor.0.borrow().as_ref() {
                    h.set_text(text);
                    *reported.borrow_mut() = text.to_string();
                }
            }
        });
    }
    {
        let editor = props.editor.clone();
        use_effect_with(props.analysis.clone(), move |analysis| {
            if let Some(h) = editor.0.borrow().as_ref() {
                let (positions, messages) = pack_diagnostics(&analysis.report.diagnostics);
                h.set_diagnostics(&positions, &messages);
            }
        });
    }

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
    let plain = if *fallback {
        let on_input = props.on_input.clone();
        let oninput = Callback::from(move |e: InputEvent| {
            let area: HtmlTextAreaElement = e.target_unchecked_into();
            on_input.emit(area.value());
        });
        html! {
            <textarea class="input plain" aria-label="Manifest JSON" spellcheck="false"
                      autocapitalize="off" autocomplete="off" wrap="off"
                      value={props.text.to_string()} {oninput} />
        }
    } else {
        html! {}
    };

    html! {
        <div class={classes!("editor", (*dragging).then_some("dragging"))}
             {ondragover} {ondragleave} {ondrop}>
            <div class="code" ref={host}></div>
            {plain}
        </div>
    }
}
