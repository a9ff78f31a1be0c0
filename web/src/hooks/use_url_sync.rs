//! Keeps the URL fragment (and, outside the embed, the stored draft) in step with the document,
//! once typing pauses: encoding the state costs the size of the document, so it never runs per
//! keystroke. A document too large for a link is in neither (the Share dialog says so).

use crate::fragment::{self, UrlState};
use crate::services::browser;
use crate::state::{Action, Document, DocumentContext};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// The pause after the last change before the fragment and the draft are written.
pub const WRITE_DELAY_MS: i32 = 400;

/// Writes `state` to the fragment (`history.replaceState`) and, unless `embed`, to the stored
/// draft. A state too large for a link clears both, so neither brings back an older document.
pub fn write_state(state: &UrlState, embed: bool) {
    let encoded = if state.fits_in_link() {
        fragment::encode(state)
    } else {
        String::new()
    };
    browser::replace_fragment(&encoded);
    if !embed {
        browser::save_draft(&encoded);
    }
}

/// A `setTimeout` cleared when dropped.
struct Timeout {
    id: Option<i32>,
    _callback: Closure<dyn FnMut()>,
}

impl Timeout {
    fn new(ms: i32, f: impl FnOnce() + 'static) -> Timeout {
        let mut f = Some(f);
        let callback = Closure::<dyn FnMut()>::new(move || {
            if let Some(f) = f.take() {
                f();
            }
        });
        let id = browser::window().and_then(|w| {
            w.set_timeout_with_callback_and_timeout_and_arguments_0(
                callback.as_ref().unchecked_ref(),
                ms,
            )
            .ok()
        });
        Timeout {
            id,
            _callback: callback,
        }
    }
}

impl Drop for Timeout {
    fn drop(&mut self) {
        if let (Some(id), Some(w)) = (self.id, browser::window()) {
            w.clear_timeout_with_handle(id);
        }
    }
}

/// After the shareable state stops changing for [`WRITE_DELAY_MS`]: [`write_state`].
#[hook]
pub fn use_url_sync(doc: &Document, embed: bool) {
    let state = doc.url_state();
    use_effect_with(state, move |state| {
        let state = state.clone();
        let timeout = Timeout::new(WRITE_DELAY_MS, move || write_state(&state, embed));
        move || drop(timeout)
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
