//! The reference grammar of `github.com/distribution/reference` (`regexp.go`), written out by
//! hand. Each function accepts exactly what the named upstream expression matches.
//!
//! ```text
//! reference        := name [ ":" tag ] [ "@" digest ]
//! name             := [domain '/'] remote-name
//! domain           := host [':' port-number]
//! host             := domain-name | '[' IPv6address ']'     ; [a-fA-F0-9:]+, no zone
//! domain-name      := domain-component ['.' domain-component]*
//! domain-component := /([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])/
//! port-number      := /[0-9]+/
//! remote-name      := path-component ['/' path-component]*
//! path-component   := alpha-numeric [separator alpha-numeric]*
//! alpha-numeric    := /[a-z0-9]+/
//! separator        := /[_.]|__|[-]+/
//! tag              := /[\w][\w.-]{0,127}/
//! digest           := algorithm ":" /[0-9a-fA-F]{32,}/
//! algorithm        := /[A-Za-z][A-Za-z0-9]*/ [ /[-_+.]/ /[A-Za-z][A-Za-z0-9]*/ ]*
//! ```

fn is_lower_alnum(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit()
}

/// `pathComponent`: `[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*`.
pub fn is_path_component(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    loop {
        let start = i;
        while i < b.len() && is_lower_alnum(b[i]) {
            i += 1;
        }
        if i == start {
            return false;
        }
        if i == b.len() {
            return true;
        }
        match b[i] {
            b'.' => i += 1,
            b'_' => i += if b.get(i + 1) == Some(&b'_') { 2 } else { 1 },
            b'-' => {
                while i < b.len() && b[i] == b'-' {
                    i += 1;
                }
            }
            _ => return false,
        }
    }
}

/// `remoteName`: path components separated by single slashes.
pub fn is_remote_name(s: &str) -> bool {
    s.split('/').all(is_path_component)
}

/// `domainNameComponent`.
fn is_domain_component(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.iter().all(|&c| c.is_ascii_alphanumeric() || c == b'-')
        && b[0] != b'-'
        && b[b.len() - 1] != b'-'
}

/// `domainAndPort`: a domain name, an IPv4 address or a bracketed IPv6 address, with an
/// optional `:port`.
pub fn is_domain(s: &str) -> bool {
    let (host_ok, rest) = if let Some(after) = s.strip_prefix('[') {
        match after.find(']') {
            Some(end) => {
                let inner = &after[..end];
                let ok =
                    !inner.is_empty() && inner.bytes().all(|c| c.is_ascii_hexdigit() || c == b':');
                (ok, &after[end + 1..])
            }
            None => return false,
        }
    } else {
        let end = s.find(':').unwrap_or(s.len());
        (s[..end].split('.').all(is_domain_component), &s[end..])
    };
    host_ok
        && (rest.is_empty()
            || rest
                .strip_prefix(':')
                .is_some_and(|port| !port.is_empty() && port.bytes().all(|c| c.is_ascii_digit())))
}

/// `tag`: `[\w][\w.-]{0,127}`.
pub fn is_tag(s: &str) -> bool {
    let b = s.as_bytes();
    let word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    !b.is_empty()
        && b.len() <= 128
        && word(b[0])
        && b[1..].iter().all(|&c| word(c) || c == b'.' || c == b'-')
}

/// `digestPat`: `[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][[:xdigit:]]{32,}`.
pub fn is_digest_pattern(s: &str) -> bool {
    let Some((algorithm, hex)) = s.split_once(':') else {
        return false;
    };
    let components_ok = algorithm.split(['-', '_', '+', '.']).all(|c| {
        let b = c.as_bytes();
        !b.is_empty() && b[0].is_ascii_alphabetic() && b.iter().all(|c| c.is_ascii_alphanumeric())
    });
    components_ok && hex.len() >= 32 && hex.bytes().all(|c| c.is_ascii_hexdigit())
}

/// `identifier`: exactly 64 lowercase hex characters (an image ID, not a name).
pub fn is_identifier(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c))
}

/// The parts of a string matching the anchored `ReferenceRegexp`.
#[derive(Debug, PartialEq, Eq)]
pub struct Matched<'a> {
    /// The domain as the anchored name expression captures it: the text before the first `/`
    /// when that is a valid domain and the rest a valid remote name, else empty.
    pub domain: &'a str,
    pub path: &'a str,
    pub tag: Option<&'a str>,
    pub digest: Option<&'a str>,
}

/// Where a string first fails the reference grammar, for a precise error.
#[derive(Debug, PartialEq, Eq)]
pub enum Mismatch<'a> {
    Name,
    Tag(&'a str),
    Digest(&'a str),
}

/// Splits a name into domain and path as upstream's `anchoredNameRegexp` does: the optional
/// domain group is tried first.
pub fn split_name(name: &str) -> Option<(&str, &str)> {
    if let Some((domain, rest)) = name.split_once('/') {
        if is_domain(domain) && is_remote_name(rest) {
            return Some((domain, rest));
        }
    }
    is_remote_name(name).then_some(("", name))
}

/// Matches `s` against the whole reference grammar.
pub fn match_reference(s: &str) -> Result<Matched<'_>, Mismatch<'_>> {
    let (left, digest) = match s.split_once('@') {
        Some((left, digest)) => (left, Some(digest)),
        None => (s, None),
    };
    // A ':' after the last '/' can only start the tag: names have no ':' outside the domain, and
    // the domain must be followed by '/'.
    let last_slash = left.rfind('/').map_or(0, |i| i + 1);
    let (name, tag) = match left[last_slash..].rfind(':') {
        Some(i) => (&left[..last_slash + i], Some(&left[last_slash + i + 1..])),
        None => (left, None),
    };
    let (domain, path) = split_name(name).ok_or(Mismatch::Name)?;
    if let Some(tag) = tag {
        if !is_tag(tag) {
            return Err(Mismatch::Tag(tag));
        }
    }
    if let Some(digest) = digest {
        if !is_digest_pattern(digest) {
            return Err(Mismatch::Digest(digest));
        }
    }
    Ok(Matched {
        domain,
        path,
        tag,
        digest,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_component_table() {
        let cases: &[(&str, bool)] = &[
            ("a", true),
            ("docker", true),
            ("docker-rules", true),
            ("docker---rules", true),
            ("dock__er", true),
            ("a.b", true),
            ("a_b", true),
            ("ubuntu-12.04-base", true),
            ("192.168.0.1", true),
            ("", false),
            ("-docker", false),
            ("docker-", false),
            ("_docker", false),
            ("dock..er", false),
            ("dock_.er", false),
            ("dock-.er", false),
            ("dock___er", false),
            ("a._b", false),
            ("Docker", false),
            ("a/b", false),
            ("caf\u{e9}", false),
        ];
        for (input, expected) in cases {
            assert_eq!(is_path_component(input), *expected, "{input:?}");
        }
    }

    #[test]
    fn domain_table() {
        let cases: &[(&str, bool)] = &[
            ("localhost", true),
            ("localhost:5000", true),
            ("docker.io", true),
            ("Docker", true),
            ("xn--n3h.com", true),
            ("sub-dom1.foo.com", true),
            ("127.0.0.1:5000", true),
            ("test-com:8080", true),
            ("[::1]", true),
            ("[::1]:5000", true),
            ("[2001:db8:1:2:3:4:5:6]", true),
            ("[fc00::1]:5000", true),
            ("", false),
            ("-docker.io", false),
            ("docker-.io", false),
            ("foo_bar.com", false),
            ("a..b", false),
            ("host:", false),
            ("host:port", false),
            ("host:50:00", false),
            ("fc00::1:5000", false),
            ("[]", false),
            ("[fe80::1%eth0]:5000", false),
            ("[2001:db8:3:4::192.0.2.33]", false),
            ("[::1]x", false),
            ("[::1", false),
        ];
        for (input, expected) in cases {
            assert_eq!(is_domain(input), *expected, "{input:?}");
        }
    }

    #[test]
    fn tag_and_digest_table() {
        let long_ok = "a".repeat(128);
        let long_bad = "a".repeat(129);
        let tags: &[(&str, bool)] = &[
            ("latest", true),
            ("Uppercase", true),
            ("_x", true),
            ("1.0-rc.1", true),
            (&long_ok, true),
            (&long_bad, false),
            ("", false),
            (".x", false),
            ("-x", false),
            ("a+b", false),
            ("a:b", false),
        ];
        for (input, expected) in tags {
            assert_eq!(is_tag(input), *expected, "tag {input:?}");
        }
        let f32 = "f".repeat(32);
        let digests: Vec<(String, bool)> = vec![
            (format!("sha256:{f32}"), true),
            (format!("SHA256:{}", f32.to_uppercase()), true),
            (format!("sha256+b64u.x-y_z:{f32}"), true),
            (format!("sha256:{}", "f".repeat(31)), false),
            (format!("256:{f32}"), false),
            (format!("sha-:{f32}"), false),
            (format!("sha256:{}g", f32), false),
            (format!(":{f32}"), false),
            ("sha256".to_owned(), false),
        ];
        for (input, expected) in digests {
            assert_eq!(is_digest_pattern(&input), expected, "digest {input:?}");
        }
    }

    #[test]
    fn split_name_prefers_a_domain() {
        let cases: &[(&str, Option<(&str, &str)>)] = &[
            ("foo/bar", Some(("foo", "bar"))),
            ("test_com/foo", Some(("", "test_com/foo"))),
            ("foo_bar.com/x", Some(("", "foo_bar.com/x"))),
            ("test:8080/foo", Some(("test:8080", "foo"))),
            ("Foo/bar", Some(("Foo", "bar"))),
            ("a/b/c", Some(("a", "b/c"))),
            ("ubuntu", Some(("", "ubuntu"))),
            ("foo/Bar", None),
            ("docker///docker", None),
            ("", None),
        ];
        for (input, expected) in cases {
            assert_eq!(split_name(input), *expected, "{input:?}");
        }
    }
}
