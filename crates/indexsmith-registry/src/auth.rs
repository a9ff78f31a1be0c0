//! Authentication: `WWW-Authenticate` challenges (RFC 7235), the distribution token protocol
//! (anonymous and with credentials), and HTTP Basic.
//!
//! Tokens are cached per registry and scope set until they expire. Expiry follows the token
//! spec: `expires_in` defaults to 60 seconds (shorter values are raised to 60), counted from
//! `issued_at` when the token service sends it, else from the time the token arrived. Times are
//! seconds since the Unix epoch, passed in by the caller.

use indexsmith::json::{self, value::Value};
use std::collections::HashMap;

/// A user name and a password (or an identity token used as a password).
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub username: String,
    pub password: String,
}

impl Credentials {
    pub fn new(username: impl Into<String>, password: impl Into<String>) -> Credentials {
        Credentials {
            username: username.into(),
            password: password.into(),
        }
    }

    /// The value of an `Authorization: Basic …` header.
    pub fn basic_header(&self) -> String {
        format!(
            "Basic {}",
            base64(format!("{}:{}", self.username, self.password).as_bytes())
        )
    }
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("username", &self.username)
            .field("password", &"<redacted>")
            .finish()
    }
}

fn base64(bytes: &[u8]) -> String {
    const TABLE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = (chunk[0] as u32) << 16
            | (*chunk.get(1).unwrap_or(&0) as u32) << 8
            | *chunk.get(2).unwrap_or(&0) as u32;
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(TABLE[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// One challenge of a `WWW-Authenticate` header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Challenge {
    /// The auth scheme, lowercased (`bearer`, `basic`).
    pub scheme: String,
    /// Parameters with lowercased names, in order.
    pub params: Vec<(String, String)>,
}

impl Challenge {
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Why a `WWW-Authenticate` header could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ParseChallengeError {
    #[error("challenge header is empty")]
    Empty,
    #[error("expected an auth scheme at byte {0}")]
    ExpectedScheme(usize),
    #[error("expected a parameter value at byte {0}")]
    ExpectedValue(usize),
    #[error("unterminated quoted string starting at byte {0}")]
    UnterminatedQuote(usize),
}

fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// Parses every challenge of a `WWW-Authenticate` header value (RFC 7235 §4.1: comma-separated
/// challenges, `auth-param`s with token or quoted-string values; a `token68` is kept as a
/// parameter named `""`).
pub fn parse_challenges(header: &str) -> Result<Vec<Challenge>, ParseChallengeError> {
    let b = header.as_bytes();
    let len = b.len();
    let skip_ws = |i: &mut usize| {
        while *i < len && (b[*i] == b' ' || b[*i] == b'\t') {
            *i += 1;
        }
    };
    let read_token = |i: &mut usize| -> String {
        let start = *i;
        while *i < len && is_tchar(b[*i]) {
            *i += 1;
        }
        header[start..*i].to_owned()
    };
    let mut out: Vec<Challenge> = Vec::new();
    let mut i = 0;
    loop {
        while i < len && (b[i] == b',' || b[i] == b' ' || b[i] == b'\t') {
            i += 1;
        }
        if i >= len {
            break;
        }
        let at = i;
        let name = read_token(&mut i);
        if name.is_empty() {
            return Err(ParseChallengeError::ExpectedScheme(at));
        }
        let mut j = i;
        skip_ws(&mut j);
        match out.last_mut() {
            Some(current) if j < len && b[j] == b'=' => {
                i = j + 1;
                skip_ws(&mut i);
                let value = if i < len && b[i] == b'"' {
                    let quote_at = i;
                    i += 1;
                    let mut v = String::new();
                    loop {
                        let Some(c) = header[i..].chars().next() else {
                            return Err(ParseChallengeError::UnterminatedQuote(quote_at));
                        };
                        i += c.len_utf8();
                        match c {
                            '"' => break,
                            '\\' => {
                                let Some(escaped) = header[i..].chars().next() else {
                                    return Err(ParseChallengeError::UnterminatedQuote(quote_at));
                                };
                                v.push(escaped);
                                i += escaped.len_utf8();
                            }
                            c => v.push(c),
                        }
                    }
                    v
                } else {
                    let v = read_token(&mut i);
                    if v.is_empty() {
                        return Err(ParseChallengeError::ExpectedValue(i));
                    }
                    v
                };
                current.params.push((name.to_ascii_lowercase(), value));
            }
            _ => {
                out.push(Challenge {
                    scheme: name.to_ascii_lowercase(),
                    params: Vec::new(),
                });
                // A token68 right after the scheme: `1*( ALPHA / DIGIT / "-._~+/" ) *"="`, then
                // the end of this challenge.
                let mut k = i;
                skip_ws(&mut k);
                let start = k;
                while k < len && (b[k].is_ascii_alphanumeric() || b"-._~+/".contains(&b[k])) {
                    k += 1;
                }
                let chars_end = k;
                while k < len && b[k] == b'=' {
                    k += 1;
                }
                let mut m = k;
                skip_ws(&mut m);
                if chars_end > start && (m >= len || b[m] == b',') {
                    if let Some(current) = out.last_mut() {
                        current
                            .params
                            .push((String::new(), header[start..k].to_owned()));
                    }
                    i = k;
                }
            }
        }
    }
    if out.is_empty() {
        return Err(ParseChallengeError::Empty);
    }
    Ok(out)
}

/// The parts of a Bearer challenge needed to ask for a token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BearerChallenge {
    pub realm: String,
    pub service: Option<String>,
    /// Space-separated scopes the registry asked for, split.
    pub scopes: Vec<String>,
}

/// What a registry asked for in its `WWW-Authenticate` header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AuthScheme {
    Bearer(BearerChallenge),
    Basic { realm: Option<String> },
}

/// The first usable challenge of a header: Bearer with a realm, else Basic.
pub fn auth_scheme(header: &str) -> Option<AuthScheme> {
    let challenges = parse_challenges(header).ok()?;
    for c in &challenges {
        if c.scheme == "bearer" {
            if let Some(realm) = c.param("realm") {
                return Some(AuthScheme::Bearer(BearerChallenge {
                    realm: realm.to_owned(),
                    service: c.param("service").map(str::to_owned),
                    scopes: c
                        .param("scope")
                        .map(|s| {
                            s.split(' ')
                                .filter(|s| !s.is_empty())
                                .map(str::to_owned)
                                .collect()
                        })
                        .unwrap_or_default(),
                }));
            }
        }
    }
    challenges
        .iter()
        .find(|c| c.scheme == "basic")
        .map(|c| AuthScheme::Basic {
            realm: c.param("realm").map(str::to_owned),
        })
}

/// The default token lifetime of the token spec, and the shortest one honoured.
pub const DEFAULT_TOKEN_LIFETIME: u64 = 60;

/// A bearer token with the time (seconds since the Unix epoch) after which it is not used.
#[derive(Clone, PartialEq, Eq)]
pub struct Token {
    pub token: String,
    pub expires_at: u64,
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Token")
            .field("token", &"<redacted>")
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// Why a token response was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ParseTokenError {
    #[error("token response is not a JSON object: {0}")]
    NotJson(String),
    #[error("token response has neither `token` nor `access_token`")]
    MissingToken,
}

/// Reads a token response: `token` or `access_token`, `expires_in`, `issued_at`.
pub fn parse_token_response(body: &[u8], now: u64) -> Result<Token, ParseTokenError> {
    let value = json::parse_value(body).map_err(ParseTokenError::NotJson)?;
    if value.as_object().is_none() {
        return Err(ParseTokenError::NotJson(format!(
            "found {}",
            value.kind_name()
        )));
    }
    let text = |key: &str| {
        value
            .get(key)
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty())
    };
    let token = text("token")
        .or_else(|| text("access_token"))
        .ok_or(ParseTokenError::MissingToken)?
        .to_owned();
    let lifetime = value
        .get("expires_in")
        .and_then(|v| match v {
            Value::Number(n) => n.parse::<u64>().ok(),
            _ => None,
        })
        .unwrap_or(DEFAULT_TOKEN_LIFETIME)
        .max(DEFAULT_TOKEN_LIFETIME);
    let issued = value
        .get("issued_at")
        .and_then(Value::as_str)
        .and_then(parse_rfc3339)
        .unwrap_or(now);
    Ok(Token {
        token,
        expires_at: issued.saturating_add(lifetime),
    })
}

/// Seconds since the Unix epoch of an RFC 3339 date-time (`2009-11-10T23:00:00Z`, fractional
/// seconds and numeric offsets allowed). `None` when it does not parse or is before 1970.
pub fn parse_rfc3339(s: &str) -> Option<u64> {
    let b = s.as_bytes();
    if b.len() < 20
        || b[4] != b'-'
        || b[7] != b'-'
        || !matches!(b[10], b'T' | b't' | b' ')
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let t = s.get(r)?;
        t.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| t.parse().ok())?
    };
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let mut i = 19;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return None;
        }
    }
    let offset = match b.get(i)? {
        b'Z' | b'z' if i + 1 == b.len() => 0,
        sign @ (b'+' | b'-') if i + 6 == b.len() && b[i + 3] == b':' => {
            let m = num(i + 1..i + 3)? * 3600 + num(i + 4..i + 6)? * 60;
            if *sign == b'+' {
                m
            } else {
                -m
            }
        }
        _ => return None,
    };
    // Days from civil (Howard Hinnant's algorithm).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146097 + doe - 719468;
    let secs = days * 86400 + hour * 3600 + minute * 60 + second - offset;
    u64::try_from(secs).ok()
}

/// Tokens per (registry host, sorted scope set).
#[derive(Clone, Debug, Default)]
pub struct TokenCache {
    tokens: HashMap<(String, String), Token>,
}

/// The cache key of a scope set: sorted, space-joined.
pub fn scope_key(scopes: &[String]) -> String {
    let mut s: Vec<&str> = scopes.iter().map(String::as_str).collect();
    s.sort_unstable();
    s.dedup();
    s.join(" ")
}

impl TokenCache {
    /// A token valid at `now` (with a 5 s margin for the request's flight time).
    pub fn get(&self, host: &str, scopes: &str, now: u64) -> Option<&Token> {
        self.tokens
            .get(&(host.to_ascii_lowercase(), scopes.to_owned()))
            .filter(|t| t.expires_at > now.saturating_add(5))
    }

    pub fn insert(&mut self, host: &str, scopes: &str, token: Token) {
        self.tokens
            .insert((host.to_ascii_lowercase(), scopes.to_owned()), token);
    }

    pub fn remove(&mut self, host: &str, scopes: &str) {
        self.tokens
            .remove(&(host.to_ascii_lowercase(), scopes.to_owned()));
    }

    pub fn len(&self) -> usize {
        self.tokens.len()
    }

    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }
}

#[cfg(test)]
#[allow(clippy::type_complexity)] // case tables are tuples
mod tests {
    use super::*;

    fn p(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn parses_challenges() {
        let cases: Vec<(&str, &str, Vec<Challenge>)> = vec![
            (
                "docker hub bearer",
                r#"Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull""#,
                vec![Challenge {
                    scheme: "bearer".into(),
                    params: p(&[
                        ("realm", "https://auth.docker.io/token"),
                        ("service", "registry.docker.io"),
                        ("scope", "repository:library/alpine:pull"),
                    ]),
                }],
            ),
            (
                "basic",
                r#"Basic realm="Registry Realm""#,
                vec![Challenge {
                    scheme: "basic".into(),
                    params: p(&[("realm", "Registry Realm")]),
                }],
            ),
            (
                "spaces and token values",
                r#"bearer  realm = "https://a/t" , service=reg"#,
                vec![Challenge {
                    scheme: "bearer".into(),
                    params: p(&[("realm", "https://a/t"), ("service", "reg")]),
                }],
            ),
            (
                "escaped quotes",
                r#"Basic realm="a \"quoted\" \\ realm""#,
                vec![Challenge {
                    scheme: "basic".into(),
                    params: p(&[("realm", r#"a "quoted" \ realm"#)]),
                }],
            ),
            (
                "two challenges",
                r#"Basic realm="x", Bearer realm="https://a/t",scope="repository:a:pull repository:b:pull""#,
                vec![
                    Challenge {
                        scheme: "basic".into(),
                        params: p(&[("realm", "x")]),
                    },
                    Challenge {
                        scheme: "bearer".into(),
                        params: p(&[
                            ("realm", "https://a/t"),
                            ("scope", "repository:a:pull repository:b:pull"),
                        ]),
                    },
                ],
            ),
            (
                "token68",
                "Negotiate abc123==, Basic realm=x",
                vec![
                    Challenge {
                        scheme: "negotiate".into(),
                        params: p(&[("", "abc123==")]),
                    },
                    Challenge {
                        scheme: "basic".into(),
                        params: p(&[("realm", "x")]),
                    },
                ],
            ),
            (
                "bare scheme",
                "Basic",
                vec![Challenge {
                    scheme: "basic".into(),
                    params: vec![],
                }],
            ),
        ];
        for (name, input, expected) in cases {
            assert_eq!(parse_challenges(input).as_ref(), Ok(&expected), "{name}");
        }
    }

    #[test]
    fn refuses_bad_challenges() {
        let cases = [
            ("empty", "", ParseChallengeError::Empty),
            (
                "unterminated",
                r#"Bearer realm="https://a"#,
                ParseChallengeError::UnterminatedQuote(13),
            ),
            (
                "no value",
                r#"Bearer realm="a", service=,"#,
                ParseChallengeError::ExpectedValue(26),
            ),
            (
                "not a token",
                "\"x\"",
                ParseChallengeError::ExpectedScheme(0),
            ),
        ];
        for (name, input, expected) in cases {
            assert_eq!(parse_challenges(input), Err(expected), "{name}");
        }
    }

    #[test]
    fn picks_scheme() {
        let s = auth_scheme(r#"Bearer realm="https://a/t",service="s",scope="repository:a:pull,push repository:b:pull""#).unwrap();
        assert_eq!(
            s,
            AuthScheme::Bearer(BearerChallenge {
                realm: "https://a/t".into(),
                service: Some("s".into()),
                scopes: vec!["repository:a:pull,push".into(), "repository:b:pull".into()],
            })
        );
        assert_eq!(
            auth_scheme(r#"Basic realm="r""#),
            Some(AuthScheme::Basic {
                realm: Some("r".into())
            })
        );
        assert_eq!(
            auth_scheme("Bearer service=x"),
            None,
            "bearer without realm"
        );
    }

    #[test]
    fn reads_token_responses() {
        let now = 1_700_000_000;
        let cases: &[(&str, &str, Option<(&str, u64)>)] = &[
            ("token", r#"{"token":"t1"}"#, Some(("t1", now + 60))),
            (
                "access_token",
                r#"{"access_token":"t2","expires_in":300}"#,
                Some(("t2", now + 300)),
            ),
            (
                "short lifetime raised",
                r#"{"token":"t3","expires_in":10}"#,
                Some(("t3", now + 60)),
            ),
            (
                "issued_at",
                r#"{"token":"t4","expires_in":120,"issued_at":"2023-11-14T22:13:20Z"}"#,
                Some(("t4", 1_700_000_000 + 120)),
            ),
            (
                "bad issued_at ignored",
                r#"{"token":"t5","issued_at":"yesterday"}"#,
                Some(("t5", now + 60)),
            ),
            (
                "empty token falls back",
                r#"{"token":"","access_token":"t6"}"#,
                Some(("t6", now + 60)),
            ),
            ("missing", r#"{"expires_in":60}"#, None),
            ("not json", "<html>", None),
            ("not an object", r#"["t7"]"#, None),
            (
                "a token that is not a string",
                r#"{"token":7,"access_token":"t8"}"#,
                Some(("t8", now + 60)),
            ),
            (
                "a lifetime that is not a number",
                r#"{"token":"t9","expires_in":"600"}"#,
                Some(("t9", now + 60)),
            ),
        ];
        for (name, body, expected) in cases {
            let got = parse_token_response(body.as_bytes(), now)
                .ok()
                .map(|t| (t.token, t.expires_at));
            assert_eq!(got, expected.map(|(t, e)| (t.to_string(), e)), "{name}");
        }
    }

    #[test]
    fn parses_dates() {
        let cases = [
            ("epoch", "1970-01-01T00:00:00Z", Some(0)),
            (
                "fraction",
                "2023-11-14T22:13:20.123456789Z",
                Some(1_700_000_000),
            ),
            ("offset", "2023-11-15T00:13:20+02:00", Some(1_700_000_000)),
            ("leap day", "2024-02-29T00:00:00Z", Some(1_709_164_800)),
            ("no zone", "2023-11-14T22:13:20", None),
            ("before epoch", "1969-12-31T23:59:59Z", None),
            ("bad month", "2023-13-01T00:00:00Z", None),
        ];
        for (name, input, expected) in cases {
            assert_eq!(parse_rfc3339(input), expected, "{name}");
        }
    }

    #[test]
    fn caches_until_expiry() {
        let mut cache = TokenCache::default();
        let key = scope_key(&["repository:b:pull".into(), "repository:a:pull,push".into()]);
        assert_eq!(key, "repository:a:pull,push repository:b:pull");
        cache.insert(
            "R.io",
            &key,
            Token {
                token: "t".into(),
                expires_at: 100,
            },
        );
        assert!(cache.get("r.io", &key, 90).is_some());
        assert!(cache.get("r.io", &key, 96).is_none(), "within the margin");
        assert!(cache.get("r.io", "other", 10).is_none());
    }

    #[test]
    fn basic_header() {
        assert_eq!(
            Credentials::new("aladdin", "opensesame").basic_header(),
            "Basic YWxhZGRpbjpvcGVuc2VzYW1l"
        );
        assert_eq!(base64(b"a"), "YQ==");
        assert_eq!(base64(b"ab"), "YWI=");
        assert!(!format!("{:?}", Credentials::new("u", "secret")).contains("secret"));
    }
}
