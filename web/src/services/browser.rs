//! Thin wrappers over browser APIs: storage, history, clipboard, files, downloads, selection.
//!
//! Every function tolerates a missing API (returns `None` / does nothing) rather than panicking;
//! none is called from the reducer or from host tests.

use wasm_bindgen::JsCast;
use web_sys::Window;

/// localStorage key of the draft.
pub const DRAFT_KEY: &str = "indexsmith.draft.v1";
/// Drafts larger than this are not stored (localStorage quotas are a few MiB, shared).
pub const DRAFT_LIMIT: usize = 512 * 1024;

/// The window, or `None` off the browser (host tests, server rendering).
pub fn window() -> Option<Window> {
    #[cfg(target_arch = "wasm32")]
    {
        web_sys::window()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        None
    }
}

/// `origin + pathname` of the page (the app's address without query or fragment).
pub fn page_url() -> String {
    window()
        .and_then(|w| {
            Some(format!(
                "{}{}",
                w.location().origin().ok()?,
                w.location().pathname().ok()?
            ))
        })
        .unwrap_or_default()
}

/// The fragment without `#`.
pub fn fragment() -> String {
    window()
        .and_then(|w| w.location().hash().ok())
        .map(|h| h.trim_start_matches('#').to_owned())
        .unwrap_or_default()
}

/// True when the page was opened as an embedded playground (`?embed`).
pub fn is_embed() -> bool {
    let search = window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default();
    search
        .trim_start_matches('?')
        .split('&')
        .any(|p| p == "embed" || p.starts_with("embed="))
}

/// Replaces the fragment without adding a history entry (`#` + `fragment`, or none when empty).
pub fn replace_fragment(fragment: &str) {
    let Some(w) = window() else { return };
    let location = w.location();
    let base = format!(
        "{}{}",
        location.pathname().unwrap_or_default(),
        location.search().unwrap_or_default()
    );
    let url = if fragment.is_empty() {
        base
    } else {
        format!("{base}#{fragment}")
    };
    if let Ok(history) = w.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}

/// The full-app URL for the current state (used by the embed's "open" link).
pub fn app_url(fragment: &str) -> String {
    let path = window()
        .and_then(|w| w.location().pathname().ok())
        .unwrap_or_else(|| "/".into());
    if fragment.is_empty() {
        path
    } else {
        format!("{path}#{fragment}")
    }
}

fn storage() -> Option<web_sys::Storage> {
    window()?.local_storage().ok()?
}

pub fn load_draft() -> Option<String> {
    storage()?.get_item(DRAFT_KEY).ok()?
}

/// Stores the draft (the fragment form of the state), or removes it when too large or empty.
pub fn save_draft(value: &str) {
    let Some(s) = storage() else { return };
    if value.is_empty() || value.len() > DRAFT_LIMIT {
        let _ = s.remove_item(DRAFT_KEY);
    } else {
        let _ = s.set_item(DRAFT_KEY, value);
    }
}

/// Copies text to the clipboard (best effort).
pub fn copy(text: &str) {
    if let Some(w) = window() {
        let _ = w.navigator().clipboard().write_text(text);
    }
}

/// Offers `bytes` as a file download named `name`.
pub fn download(name: &str, bytes: &[u8], mime: &str) {
    let Some(document) = window().and_then(|w| w.document()) else {
        return;
    };
    let array = js_sys::Uint8Array::from(bytes);
    let parts = js_sys::Array::of1(&array);
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    if let Ok(a) = document.create_element("a") {
        if let Ok(a) = a.dyn_into::<web_sys::HtmlAnchorElement>() {
            a.set_href(&url);
            a.set_download(name);
            a.click();
        }
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

/// Reads a file as text (UTF-8; invalid sequences become U+FFFD, as `File.text()` decodes).
pub async fn read_file(file: web_sys::File) -> Result<String, String> {
    let promise = file.text();
    match wasm_bindgen_futures::JsFuture::from(promise).await {
        Ok(v) => v
            .as_string()
            .ok_or_else(|| "the file is not text".to_owned()),
        Err(_) => Err("the file could not be read".to_owned()),
    }
}
