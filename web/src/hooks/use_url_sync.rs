//! Keeps the URL fragment (and, outside the embed, the stored draft) in step with the document.

use crate::fragment;
use crate::services::browser;
use crate::state::{Action, Document, DocumentContext};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// After every change of the shareable state: `history.replaceState` with the new fragment, and
/// the same compressed state into localStorage (size-capped) unless `embed`.
#[hook]
pub fn use_url_sync(doc: &Document, embed: bool) {
    let state = doc.url_state();
    use_effect_with(state, move |state| {
        let encoded = fragment::encode(state);
        browser::replace_fragment(&encoded);
        if !embed {
            browser::save_draft(&encoded);
        }
    });
}

/// Opens a link pasted into this tab's address bar: the fragment changes without a reload, so
/// `hashchange` loads its state (our own `replaceState` calls never fire it).
#[hook]
pub fn use_link_listener(ctx: DocumentContext) {
    use_effect_with((), move |_| {
        let listener =
            Closure::<dyn Fn(web_sys::Event)>::new(
                move |_: web_sys::Event| match fragment::decode(&browser::fragment()) {
                    Ok(Some(state)) => ctx.dispatch(Action::OpenLink(state)),
                    Ok(None) => {}
                    Err(e) => ctx.dispatch(Action::Notice(e.to_string())),
                },
            );
        let window = browser::window();
        if let Some(w) = &window {
            let _ =
                w.add_event_listener_with_callback("hashchange", listener.as_ref().unchecked_ref());
        }
        move || {
            if let Some(w) = window {
                let _ = w.remove_event_listener_with_callback(
                    "hashchange",
                    listener.as_ref().unchecked_ref(),
                );
            }
        }
    });
}
