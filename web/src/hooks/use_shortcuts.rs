//! Ctrl+Z / Ctrl+Shift+Z (and Ctrl+Y) for the document's undo history, outside text fields,
//! whose own undo stays theirs.

use crate::state::{Action, DocumentContext};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// What a key press means, when it is an undo shortcut outside a text field.
pub fn shortcut(key: &str, ctrl_or_meta: bool, shift: bool, in_text_field: bool) -> Option<Action> {
    if !ctrl_or_meta || in_text_field {
        return None;
    }
    match (key.to_ascii_lowercase().as_str(), shift) {
        ("z", false) => Some(Action::Undo),
        ("z", true) | ("y", false) => Some(Action::Redo),
        _ => None,
    }
}

#[hook]
pub fn use_shortcuts(ctx: DocumentContext) {
    use_effect_with((), move |_| {
        let listener =
            Closure::<dyn Fn(web_sys::KeyboardEvent)>::new(move |e: web_sys::KeyboardEvent| {
                let in_text_field = e
                    .target()
                    .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                    .map(|el| {
                        matches!(el.tag_name().as_str(), "TEXTAREA" | "INPUT" | "SELECT")
                            || el.has_attribute("contenteditable")
                    })
                    .unwrap_or(false);
                if let Some(action) = shortcut(
                    &e.key(),
                    e.ctrl_key() || e.meta_key(),
                    e.shift_key(),
                    in_text_field,
                ) {
                    e.prevent_default();
                    ctx.dispatch(action);
                }
            });
        let window = crate::services::browser::window();
        if let Some(w) = &window {
            let _ =
                w.add_event_listener_with_callback("keydown", listener.as_ref().unchecked_ref());
        }
        move || {
            if let Some(w) = window {
                let _ = w.remove_event_listener_with_callback(
                    "keydown",
                    listener.as_ref().unchecked_ref(),
                );
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortcuts() {
        let cases = [
            ("ctrl+z outside", "z", true, false, false, Some("undo")),
            ("ctrl+shift+z outside", "Z", true, true, false, Some("redo")),
            ("ctrl+y outside", "y", true, false, false, Some("redo")),
            (
                "ctrl+z in the editor is the editor's",
                "z",
                true,
                false,
                true,
                None,
            ),
            ("plain z", "z", false, false, false, None),
            ("ctrl+a", "a", true, false, false, None),
        ];
        for (name, key, ctrl, shift, in_field, expected) in cases {
            let got = shortcut(key, ctrl, shift, in_field).map(|a| match a {
                Action::Undo => "undo",
                Action::Redo => "redo",
                _ => "other",
            });
            assert_eq!(got, expected, "{name}");
        }
    }
}
