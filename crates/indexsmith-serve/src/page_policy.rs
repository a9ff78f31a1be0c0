//! The security headers of the app's pages.
//!
//! - `Content-Security-Policy`: scripts only from the server, plus the inline loader Trunk
//!   writes into `index.html` (allowed by its SHA-256, computed when the server starts), and
//!   `'wasm-unsafe-eval'` so the app's WebAssembly may be compiled; styles from the server (and
//!   inline, which the app's components set); images from the server and `data:` (the icon);
//!   connections to the server and, for the app's direct mode, to registries over HTTP(S);
//!   nothing else: no plugins, no `<base>`, no form targets, no workers, no frames.
//! - `frame-ancestors 'none'` (and `X-Frame-Options: DENY`), except for the embeddable playground
//!   (`?embed`), which documentation sites put in an `<iframe>`: `frame-ancestors *`.
//! - `Referrer-Policy: no-referrer`.

use axum::http::{header, HeaderMap, HeaderValue};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use sha2::{Digest, Sha256};

/// The directives of the policy, apart from `frame-ancestors` and script hashes.
const DIRECTIVES: [&str; 11] = [
    "default-src 'none'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self' https: http:",
    "manifest-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "object-src 'none'",
    "worker-src 'none'",
    "frame-src 'none'",
];

/// The headers of the app's responses.
#[derive(Debug, Clone)]
pub struct PagePolicy {
    /// The policy without `frame-ancestors`.
    base: String,
}

/// The contents of the inline `<script>` elements of a page (those without `src`).
pub fn inline_scripts(html: &str) -> Vec<&str> {
    let lower = html.to_ascii_lowercase();
    let mut scripts = Vec::new();
    let mut at = 0;
    while let Some(open) = lower[at..].find("<script").map(|i| at + i) {
        let Some(tag_end) = lower[open..].find('>').map(|i| open + i) else {
            break;
        };
        let Some(close) = lower[tag_end..].find("</script").map(|i| tag_end + i) else {
            break;
        };
        let tag = &lower[open..tag_end];
        let has_src = tag
            .split(|c: char| c.is_ascii_whitespace())
            .any(|attribute| attribute.starts_with("src="));
        if !has_src {
            scripts.push(&html[tag_end + 1..close]);
        }
        at = close;
    }
    scripts
}

/// `'sha256-…'` of a script's text.
fn hash_source(script: &str) -> String {
    format!(
        "'sha256-{}'",
        STANDARD.encode(Sha256::digest(script.as_bytes()))
    )
}

impl PagePolicy {
    /// The policy for a page whose HTML is `index` (its inline scripts are allowed by hash).
    pub fn for_index(index: &str) -> PagePolicy {
        let mut script_src = String::from("script-src 'self' 'wasm-unsafe-eval'");
        for script in inline_scripts(index) {
            script_src.push(' ');
            script_src.push_str(&hash_source(script));
        }
        let mut base = DIRECTIVES.join("; ");
        base.push_str("; ");
        base.push_str(&script_src);
        PagePolicy { base }
    }

    /// The `Content-Security-Policy` value for a page, embeddable or not.
    pub fn content_security_policy(&self, embed: bool) -> String {
        let ancestors = if embed { "*" } else { "'none'" };
        format!("{}; frame-ancestors {ancestors}", self.base)
    }

    /// Adds the headers to a response of the app.
    pub fn apply(&self, headers: &mut HeaderMap, embed: bool) {
        if let Ok(value) = HeaderValue::from_str(&self.content_security_policy(embed)) {
            headers.insert(header::CONTENT_SECURITY_POLICY, value);
        }
        if embed {
            headers.remove(header::X_FRAME_OPTIONS);
        } else {
            headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
        }
        headers.insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        );
        headers.insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        );
    }
}

/// Whether a query string asks for the embeddable playground (`embed` or `embed=…`), as the
/// app itself reads it.
pub fn is_embed(query: Option<&str>) -> bool {
    query
        .unwrap_or_default()
        .split('&')
        .any(|p| p == "embed" || p.starts_with("embed="))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_scripts_of_a_page() {
        let html =
            "<html><head><script type=\"module\">import init from '/a.js';\nawait init();</script>\
            <SCRIPT src=\"/b.js\"></SCRIPT><script>one()</script></head></html>";
        assert_eq!(
            inline_scripts(html),
            vec!["import init from '/a.js';\nawait init();", "one()"]
        );
        assert!(inline_scripts("<p>no script</p>").is_empty());
        assert!(inline_scripts("<script>unclosed").is_empty());
    }

    #[test]
    fn hashes_as_browsers_compute_them() {
        // `echo -n "alert(1)" | openssl dgst -sha256 -binary | base64`
        assert_eq!(
            hash_source("alert(1)"),
            "'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='"
        );
    }

    #[test]
    fn policy_for_pages_and_embeds() {
        let policy = PagePolicy::for_index("<script>alert(1)</script>");
        let page = policy.content_security_policy(false);
        for needle in [
            "default-src 'none'",
            "script-src 'self' 'wasm-unsafe-eval' 'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='",
            "frame-ancestors 'none'",
            "object-src 'none'",
            "base-uri 'none'",
        ] {
            assert!(page.contains(needle), "{needle} missing in {page}");
        }
        assert!(!page.contains("'unsafe-inline' 'sha256"), "{page}");
        assert!(policy
            .content_security_policy(true)
            .ends_with("frame-ancestors *"));
        let cases = [
            ("none", None, false),
            ("embed", Some("embed"), true),
            ("embed with value", Some("x=1&embed=1"), true),
            ("other", Some("embedded"), false),
        ];
        for (name, query, expected) in cases {
            assert_eq!(is_embed(query), expected, "{name}");
        }
    }
}
