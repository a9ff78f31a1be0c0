//! Keeps the URL fragment (and, outside the embed, the stored draft) in step with the document.

use crate::fragment;
use crate::services::browser;
use crate::state::Document;
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
