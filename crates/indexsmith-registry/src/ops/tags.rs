//! List every tag of a repository, following `Link` pagination.

use super::endpoints::pull_scope;
use super::Operation;
use crate::engine::{Call, Engine};
use crate::error::{Action, ErrorKind, RegistryError};
use crate::http::{append_query, resolve_url, Method};
use crate::reference::Repository;
use crate::session::Session;
use indexsmith::json::{self, value::Value};
use std::collections::HashSet;

/// The tags of one page of a tag list (`{"name": …, "tags": [...]}`; `tags` may be absent or
/// `null` for a repository without tags).
fn tag_page(page: &Value) -> Result<Vec<String>, String> {
    if page.as_object().is_none() {
        return Err(format!("expected an object, found {}", page.kind_name()));
    }
    match page.get("tags") {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|t| {
                t.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| format!("a tag is {}, not a string", t.kind_name()))
            })
            .collect(),
        Some(other) => Err(format!("`tags` is {}, not a list", other.kind_name())),
    }
}

/// `GET /v2/<name>/tags/list?n=<n>`, then each `Link: <…>; rel="next"` until there is none.
pub struct ListTags {
    engine: Engine<()>,
    repository: Repository,
    tags: Vec<String>,
    seen: HashSet<String>,
    pages: usize,
    output: Option<Result<Vec<String>, RegistryError>>,
    finished: bool,
}

/// The URL of the `rel="next"` link of a `Link` header value (RFC 8288), if any.
pub fn parse_next_link(header: &str) -> Option<String> {
    // link-value = "<" URI-Reference ">" *( OWS ";" OWS link-param ), separated by commas.
    let mut rest = header;
    while let Some(start) = rest.find('<') {
        let end = rest[start..].find('>')? + start;
        let target = &rest[start + 1..end];
        let after = &rest[end + 1..];
        let params_end = after.find('<').unwrap_or(after.len());
        let params = &after[..params_end];
        let is_next = params.split(';').any(|p| {
            let p = p.trim().trim_end_matches(',').trim();
            match p.split_once('=') {
                Some((k, v)) if k.trim().eq_ignore_ascii_case("rel") => v
                    .trim()
                    .trim_matches('"')
                    .split_ascii_whitespace()
                    .any(|r| r.eq_ignore_ascii_case("next")),
                _ => false,
            }
        });
        if is_next {
            return Some(target.to_owned());
        }
        rest = &after[params_end..];
    }
    None
}

impl ListTags {
    /// `page_size` is sent as `n`; `None` lets the registry choose.
    pub fn new(session: &Session, repository: &Repository, page_size: Option<u32>) -> ListTags {
        let base = format!("{}/tags/list", session.repository_url(repository));
        let url = match page_size {
            Some(n) => append_query(&base, &[("n", &n.to_string())]),
            None => base,
        };
        let mut op = ListTags {
            engine: Engine::new(),
            repository: repository.clone(),
            tags: Vec::new(),
            seen: HashSet::new(),
            pages: 0,
            output: None,
            finished: false,
        };
        op.request(url);
        op
    }

    /// The number of pages fetched so far.
    pub fn pages(&self) -> usize {
        self.pages
    }

    fn request(&mut self, url: String) {
        self.seen.insert(url.clone());
        let call = Call::new(
            Action::ListTags,
            Method::Get,
            url,
            self.repository.api_host(),
            vec![pull_scope(&self.repository)],
        )
        .header("Accept", "application/json");
        self.engine.submit((), call);
    }

    fn fail(&mut self, e: RegistryError) {
        self.output = Some(Err(e));
        self.finished = true;
        self.engine.abort();
    }

    fn process(&mut self, _session: &Session) {
        while let Some(((), outcome)) = self.engine.next_outcome() {
            let response = match outcome.result {
                Ok(r) if r.status == 200 => r,
                Ok(r) => {
                    return self.fail(RegistryError::from_response(
                        &r,
                        Action::ListTags,
                        &outcome.url,
                    ))
                }
                Err(e) => return self.fail(e),
            };
            let page = json::parse_value(response.body.bytes()).and_then(|v| tag_page(&v));
            let tags = match page {
                Ok(tags) => tags,
                Err(e) => {
                    let kind_html = response
                        .header("content-type")
                        .is_some_and(|c| c.contains("text/html"));
                    let err = if kind_html {
                        RegistryError::new(
                            ErrorKind::NotARegistry,
                            format!(
                                "{} answered with an HTML page: not an OCI registry API",
                                outcome.url
                            ),
                        )
                    } else {
                        RegistryError::invalid_response(
                            format!("the tag list from {} cannot be read: {e}", outcome.url),
                            &response,
                            &outcome.url,
                        )
                    };
                    return self.fail(err.with_status(200));
                }
            };
            self.pages += 1;
            self.tags.extend(tags);
            let next = response.header_all("link").find_map(parse_next_link);
            match next.and_then(|n| resolve_url(&outcome.url, &n)) {
                Some(url) if self.seen.contains(&url) => {
                    return self.fail(RegistryError::invalid_response(
                        format!("the registry's tag pagination loops back to {url}"),
                        &response,
                        &outcome.url,
                    ));
                }
                Some(url) => self.request(url),
                None => {
                    self.output = Some(Ok(std::mem::take(&mut self.tags)));
                    self.finished = true;
                }
            }
        }
    }
}

impl Operation for ListTags {
    type Output = Vec<String>;

    engine_driven!();
}

#[cfg(test)]
mod tests {
    use super::tag_page;
    use indexsmith::json;

    #[test]
    fn tag_pages() {
        let cases: &[(&str, Result<&[&str], &str>)] = &[
            (r#"{"name":"a","tags":["v2","v1"]}"#, Ok(&["v2", "v1"])),
            (r#"{"name":"a","tags":null}"#, Ok(&[])),
            (r#"{"name":"a"}"#, Ok(&[])),
            (r#"{"tags":"v1"}"#, Err("`tags` is a string, not a list")),
            (
                r#"{"tags":["v1",2]}"#,
                Err("a tag is a number, not a string"),
            ),
            (r#"["v1"]"#, Err("expected an object, found an array")),
        ];
        for (page, expected) in cases {
            let got = tag_page(&json::parse_value(page.as_bytes()).unwrap());
            let expected = expected
                .map(|tags| tags.iter().map(|t| t.to_string()).collect::<Vec<_>>())
                .map_err(str::to_string);
            assert_eq!(got, expected, "{page}");
        }
    }
}
