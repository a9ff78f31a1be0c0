//! `WWW-Authenticate` challenges (RFC 9110 §11.6.1): finding and rewriting Bearer realms.
//!
//! A registry that wants a token answers `401` with
//! `Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="..."`
//! (distribution-spec, "token authentication"). The proxy rewrites the realm so that the token
//! request goes through it too, and keeps every other byte of the header as it was.
//!
//! A `Basic` challenge would make the browser show its own login prompt, and keep what the user
//! types there for every later request to the server's origin, that is to every upstream of the
//! proxy. The proxy renames its scheme [`MASKED_BASIC`]; the app reads it as `Basic`, asks for
//! credentials itself and sends them to that registry only.

use std::ops::Range;

/// One auth-param of a challenge, with where its value sits in the header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthParam {
    /// The auth-scheme of the challenge the parameter belongs to (`Bearer`).
    pub scheme: String,
    pub name: String,
    /// The value, unquoted.
    pub value: String,
    /// Byte range of the value as written (with its quotes, if quoted).
    pub span: Range<usize>,
}

fn is_tchar(c: u8) -> bool {
    c.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&c)
}

/// The auth-scheme a `Basic` challenge gets in the proxy's answers: no browser prompts for it.
pub const MASKED_BASIC: &str = "Indexsmith-Basic";

/// The auth-params of every challenge in a `WWW-Authenticate` value. Never fails: text that
/// does not follow the grammar is skipped.
pub fn auth_params(header: &str) -> Vec<AuthParam> {
    scan(header).0
}

/// The auth-params, and the spans of the auth-schemes, of a `WWW-Authenticate` value.
fn scan(header: &str) -> (Vec<AuthParam>, Vec<Range<usize>>) {
    let bytes = header.as_bytes();
    let mut params = Vec::new();
    let mut schemes = Vec::new();
    let mut scheme = String::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b' ' || bytes[i] == b'\t' || bytes[i] == b',' {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && is_tchar(bytes[i]) {
            i += 1;
        }
        if i == start {
            // Not a token (a stray quote or '='): skip one byte.
            i += 1;
            continue;
        }
        let token = &header[start..i];
        let mut j = i;
        while j < bytes.len() && (bytes[j] == b' ' || bytes[j] == b'\t') {
            j += 1;
        }
        if j < bytes.len() && bytes[j] == b'=' {
            // auth-param: name BWS "=" BWS ( token / quoted-string )
            j += 1;
            while j < bytes.len() && (bytes[j] == b' ' || bytes[j] == b'\t') {
                j += 1;
            }
            let value_start = j;
            let value = if j < bytes.len() && bytes[j] == b'"' {
                let mut value = String::new();
                j += 1;
                let mut closed = false;
                while j < bytes.len() {
                    match bytes[j] {
                        b'\\' if j + 1 < bytes.len() => {
                            let c = header[j + 1..].chars().next().unwrap_or('\\');
                            value.push(c);
                            j += 1 + c.len_utf8();
                        }
                        b'"' => {
                            j += 1;
                            closed = true;
                            break;
                        }
                        _ => {
                            let c = header[j..].chars().next().unwrap_or('\u{fffd}');
                            value.push(c);
                            j += c.len_utf8();
                        }
                    }
                }
                if !closed {
                    // An unterminated quoted string ends the header.
                    break;
                }
                value
            } else {
                // A token by the grammar; read leniently up to the next separator, since some
                // servers leave URLs unquoted.
                while j < bytes.len() && !matches!(bytes[j], b',' | b' ' | b'\t' | b'"') {
                    j += 1;
                }
                header[value_start..j].to_string()
            };
            params.push(AuthParam {
                scheme: scheme.clone(),
                name: token.to_string(),
                value,
                span: value_start..j,
            });
            i = j;
        } else {
            // A new challenge starts with its auth-scheme.
            scheme = token.to_string();
            schemes.push(start..i);
            i = j;
        }
    }
    (params, schemes)
}

/// Renames every `Basic` auth-scheme to [`MASKED_BASIC`]; the rest is kept byte for byte.
pub fn mask_basic(header: &str) -> String {
    let mut out = header.to_string();
    for span in scan(header).1.into_iter().rev() {
        if header[span.clone()].eq_ignore_ascii_case("basic") {
            out.replace_range(span, MASKED_BASIC);
        }
    }
    out
}

/// Quotes a value as an RFC 9110 quoted-string.
fn quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// Replaces the realm of every Bearer challenge by what `rewrite` returns for it (`None` keeps
/// the realm). The rest of the header is kept byte for byte.
pub fn rewrite_bearer_realms(
    header: &str,
    mut rewrite: impl FnMut(&str) -> Option<String>,
) -> String {
    let mut out = header.to_string();
    let params = auth_params(header);
    for param in params.iter().rev() {
        if param.scheme.eq_ignore_ascii_case("bearer") && param.name.eq_ignore_ascii_case("realm") {
            if let Some(new) = rewrite(&param.value) {
                out.replace_range(param.span.clone(), &quote(&new));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_of_challenges() {
        struct Case {
            name: &'static str,
            header: &'static str,
            expected: &'static [(&'static str, &'static str, &'static str)],
        }
        let cases = [
            Case {
                name: "docker hub",
                header: r#"Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull""#,
                expected: &[
                    ("Bearer", "realm", "https://auth.docker.io/token"),
                    ("Bearer", "service", "registry.docker.io"),
                    ("Bearer", "scope", "repository:library/alpine:pull"),
                ],
            },
            Case {
                name: "two challenges, spaces around =",
                header: r#"Basic realm = "Registry", Bearer realm="https://r/t", error=invalid_token"#,
                expected: &[
                    ("Basic", "realm", "Registry"),
                    ("Bearer", "realm", "https://r/t"),
                    ("Bearer", "error", "invalid_token"),
                ],
            },
            Case {
                name: "escaped quote",
                header: r#"Bearer realm="a\"b",scope="x""#,
                expected: &[("Bearer", "realm", "a\"b"), ("Bearer", "scope", "x")],
            },
            Case {
                name: "unterminated quote",
                header: r#"Bearer realm="https://x"#,
                expected: &[],
            },
            Case {
                name: "scheme only",
                header: "Basic",
                expected: &[],
            },
            Case {
                name: "garbage",
                header: r#"=",,"=="#,
                expected: &[],
            },
        ];
        for case in cases {
            let got: Vec<(String, String, String)> = auth_params(case.header)
                .into_iter()
                .map(|p| (p.scheme, p.name, p.value))
                .collect();
            let expected: Vec<(String, String, String)> = case
                .expected
                .iter()
                .map(|(s, n, v)| (s.to_string(), n.to_string(), v.to_string()))
                .collect();
            assert_eq!(got, expected, "{}", case.name);
        }
    }

    #[test]
    fn basic_is_masked() {
        let cases = [
            (
                "basic",
                r#"Basic realm="Registry""#,
                r#"Indexsmith-Basic realm="Registry""#,
            ),
            ("lowercase", "basic realm=x", "Indexsmith-Basic realm=x"),
            (
                "with bearer",
                r#"Bearer realm="https://a/t", Basic realm="b""#,
                r#"Bearer realm="https://a/t", Indexsmith-Basic realm="b""#,
            ),
            ("scheme only", "Basic", "Indexsmith-Basic"),
            (
                "basic in a value",
                r#"Bearer realm="Basic""#,
                r#"Bearer realm="Basic""#,
            ),
            ("other scheme", "Digest realm=x", "Digest realm=x"),
        ];
        for (name, header, expected) in cases {
            assert_eq!(mask_basic(header), expected, "{name}");
        }
    }

    #[test]
    fn realm_rewriting() {
        let cases = [
            (
                "docker hub",
                r#"Bearer realm="https://auth.docker.io/token",service="registry.docker.io""#,
                r#"Bearer realm="http://127.0.0.1:8080/proxy-token/auth.docker.io/token",service="registry.docker.io""#,
            ),
            (
                "basic realm untouched",
                r#"Basic realm="https://auth.docker.io/token""#,
                r#"Basic realm="https://auth.docker.io/token""#,
            ),
            (
                "lowercase scheme, token value",
                r#"bearer realm=https://auth.docker.io/token"#,
                r#"bearer realm="http://127.0.0.1:8080/proxy-token/auth.docker.io/token""#,
            ),
            (
                "unknown realm kept",
                r#"Bearer realm="https://other.example/token""#,
                r#"Bearer realm="https://other.example/token""#,
            ),
        ];
        for (name, header, expected) in cases {
            let got = rewrite_bearer_realms(header, |realm| {
                (realm == "https://auth.docker.io/token")
                    .then(|| "http://127.0.0.1:8080/proxy-token/auth.docker.io/token".to_string())
            });
            assert_eq!(got, expected, "{name}");
        }
    }
}
