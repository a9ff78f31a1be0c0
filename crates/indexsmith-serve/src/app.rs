//! Serving the built single-page app.
//!
//! Files come from the dist directory with their content types (`application/wasm`,
//! `text/javascript`, `text/css`, ...), precompressed `.br`/`.gz` siblings when present and
//! on-the-fly compression otherwise. A `GET` that names no file gets `index.html` (the SPA
//! fallback) when it is a page navigation (`Accept: text/html`) or its path has no file extension;
//! a missing asset (`/x.js` fetched by a script) is a 404.
//! Without a built app a short page says how to build it.
//!
//! Every answer carries the headers of [`crate::page_policy`]: a Content-Security-Policy,
//! `frame-ancestors` (embedding only for `?embed`), `Referrer-Policy` and `nosniff`.

use std::path::{Path, PathBuf};

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, Response};
use axum::Router;
use tower::ServiceExt;
use tower_http::compression::CompressionLayer;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::page_policy::{self, PagePolicy};

const NOT_BUILT: &str = "<!doctype html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>indexsmith</title></head>\n\
<body>\n<h1>The indexsmith app is not built</h1>\n<p>The directory this server serves the app from has no \
<code>index.html</code>. Build the app with <code>trunk build --release</code> (see the README), then reload.</p>\n\
<p>The registry proxy under <code>/proxy/</code> works without it.</p>\n</body>\n</html>\n";

/// Whether the last segment of a path has a file extension (`app.js`, `x.wasm`).
fn has_extension(path: &str) -> bool {
    path.rsplit('/')
        .next()
        .is_some_and(|last| last.contains('.'))
}

/// Adds the page headers to every answer. The policy follows the current `index.html` (its
/// inline loader changes with every build), read again for each page; `None` serves
/// [`NOT_BUILT`].
fn with_page_policy(router: Router, index: Option<PathBuf>) -> Router {
    router.layer(axum::middleware::from_fn(
        move |request: Request, next: Next| {
            let index = index.clone();
            async move {
                let embed = page_policy::is_embed(request.uri().query());
                let mut response: Response = next.run(request).await;
                let html = response
                    .headers()
                    .get(header::CONTENT_TYPE)
                    .and_then(|v| v.to_str().ok())
                    .is_some_and(|v| v.starts_with("text/html"));
                // A 304 carries no type, but its headers replace those of the page the browser
                // kept (a reload): it needs the page's policy, or the loader is refused.
                let revalidated = response.status() == StatusCode::NOT_MODIFIED;
                let page = match &index {
                    Some(path) if html || revalidated => {
                        tokio::fs::read_to_string(path).await.unwrap_or_default()
                    }
                    _ => NOT_BUILT.to_string(),
                };
                PagePolicy::for_index(&page).apply(response.headers_mut(), embed);
                response
            }
        },
    ))
}

/// The router serving the app from `dist`.
pub fn router(dist: &Path) -> Router {
    let dist: PathBuf = dist.to_path_buf();
    let index = dist.join("index.html");
    if !index.is_file() {
        let page = Router::new().fallback(|| async { (StatusCode::OK, Html(NOT_BUILT)) });
        return with_page_policy(page, None);
    }
    let files = ServeDir::new(&dist)
        .precompressed_br()
        .precompressed_gzip()
        .append_index_html_on_directories(true);
    let index_file = ServeFile::new(&index);
    let handler = move |request: Request| {
        let files = files.clone();
        let index_file = index_file.clone();
        async move {
            let method = request.method().clone();
            let path = request.uri().path().to_string();
            let navigation = request
                .headers()
                .get(header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.contains("text/html"));
            let response = match files.oneshot(request).await {
                Ok(response) => response.map(Body::new),
                Err(never) => match never {},
            };
            let is_route = (method == Method::GET || method == Method::HEAD)
                && (navigation || !has_extension(&path));
            if response.status() == StatusCode::NOT_FOUND && is_route {
                let fallback = Request::builder()
                    .method(method)
                    .uri("/index.html")
                    .body(Body::empty());
                match fallback {
                    Ok(fallback) => match index_file.oneshot(fallback).await {
                        Ok(response) => response.map(Body::new),
                        Err(never) => match never {},
                    },
                    Err(_) => response,
                }
            } else {
                response
            }
        }
    };
    let files = Router::new()
        .fallback(handler)
        .layer(CompressionLayer::new())
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-cache"),
        ));
    with_page_policy(files, Some(index))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_and_assets() {
        let cases = [
            ("root", "/", false),
            ("route", "/inspect/docker.io/library/alpine", false),
            ("asset", "/indexsmith-web-1a2b.wasm", true),
            ("nested asset", "/assets/app.css", true),
            ("dot in directory only", "/v1.2/route", false),
        ];
        for (name, path, expected) in cases {
            assert_eq!(has_extension(path), expected, "{name}");
        }
    }
}
