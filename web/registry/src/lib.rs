//! The web app's registry client as a WebAssembly module of its own. The app loads it on its
//! first registry call (`indexsmith_web::services::remote`), so the page's first load carries
//! none of the registry protocol. It exports one function: a call in, its result out, both as
//! JSON text (`indexsmith_web::services::wire`).

use wasm_bindgen::prelude::*;

/// Runs one registry call of the app; `progress` gets each progress line of a push or copy.
#[wasm_bindgen]
pub async fn run(call: String, progress: js_sys::Function) -> String {
    let report = move |line: String| {
        // A throwing callback is the page's problem; the call goes on.
        let _ = progress.call1(&JsValue::NULL, &JsValue::from_str(&line));
    };
    indexsmith_web::services::module::handle(&call, &report).await
}
