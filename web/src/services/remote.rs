//! The page's side of the registry module: the registry client (the protocol crate, its driver
//! and transport: about a fifth of the app's code) is a second WebAssembly module, loaded on the
//! first registry call so that the first load does not carry it. `cargo xtask build-web` builds
//! it from `web/registry` next to the app and names it in the page's
//! `<meta name="indexsmith-registry-module">`; a call goes over as JSON text ([`super::wire`]).

use super::registry::RegistrySettings;
use super::wire::{decode_result, encode_call, Request, Wire};
use crate::state::Failure;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen(inline_js = r#"
let loading = null;
function moduleUrl() {
  const meta = document.querySelector('meta[name="indexsmith-registry-module"]');
  if (!meta) throw new Error("this build of the page has no registry module (build it with `cargo xtask build-web`)");
  return new URL(meta.content, document.baseURI).href;
}
export function registry_call(call, progress) {
  if (!loading) {
    loading = import(moduleUrl()).then(async (m) => {
      await m.default();
      return m;
    });
    // A failed load is tried again on the next call.
    loading.catch(() => { loading = null; });
  }
  return loading.then((m) => m.run(call, progress));
}
"#)]
extern "C" {
    #[wasm_bindgen(catch)]
    fn registry_call(call: &str, progress: &js_sys::Function) -> Result<js_sys::Promise, JsValue>;
}

/// Sends `request` to the registry module (loading it on the first call) and decodes its
/// answer; `on_progress` gets the progress lines of a push or copy.
pub async fn call<T: Wire>(
    settings: &RegistrySettings,
    request: &Request,
    on_progress: impl FnMut(String) + 'static,
) -> Result<T, Failure> {
    let progress = Closure::<dyn FnMut(String)>::new(on_progress);
    let answer = async {
        let promise = registry_call(
            &encode_call(settings, request),
            progress.as_ref().unchecked_ref(),
        )?;
        wasm_bindgen_futures::JsFuture::from(promise).await
    }
    .await;
    // The module calls `progress` only until its promise settles.
    drop(progress);
    match answer {
        Ok(text) => decode_result(&text.as_string().unwrap_or_default()),
        Err(e) => Err(unavailable(&e)),
    }
}

/// The module could not be loaded, or stopped on an internal error.
fn unavailable(e: &JsValue) -> Failure {
    let cause = e
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "unknown error".into());
    Failure::new(
        "registry-module/unavailable",
        "the registry client could not run: check the connection to this page's server, then try again",
    )
    .with_detail(cause)
    .retryable(true)
}
