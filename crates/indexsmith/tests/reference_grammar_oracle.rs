//! The hand-written reference grammar checked against the regular expressions of
//! `github.com/distribution/reference` (`regexp.go`), compiled with a leftmost-first engine as Go
//! does. Any string the expressions accept must split into the same domain, path, tag and digest.

use indexsmith::reference::grammar::{match_reference, split_name};
use proptest::prelude::*;
use regex::Regex;
use std::sync::OnceLock;

struct Oracle {
    reference: Regex,
    name: Regex,
}

fn oracle() -> &'static Oracle {
    static ORACLE: OnceLock<Oracle> = OnceLock::new();
    ORACLE.get_or_init(|| {
        let alphanumeric = "[a-z0-9]+";
        let separator = "(?:[._]|__|[-]+)";
        let domain_component = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
        let port = "(?::[0-9]+)?";
        let tag = "[0-9A-Za-z_][0-9A-Za-z_.-]{0,127}";
        let digest = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9a-fA-F]{32,}";
        let ipv6 = r"\[(?:[a-fA-F0-9:]+)\]";
        let domain_name = format!(r"{domain_component}(?:\.{domain_component})*");
        let domain = format!("(?:{domain_name}|{ipv6}){port}");
        let path_component = format!("{alphanumeric}(?:{separator}{alphanumeric})*");
        let remote_name = format!("{path_component}(?:/{path_component})*");
        let name = format!("(?:{domain}/)?{remote_name}");
        Oracle {
            reference: Regex::new(&format!("^({name})(?::({tag}))?(?:@({digest}))?$")).unwrap(),
            name: Regex::new(&format!("^(?:({domain})/)?({remote_name})$")).unwrap(),
        }
    })
}

fn check(s: &str) -> Result<(), TestCaseError> {
    let o = oracle();
    let expected = o.reference.captures(s).map(|c| {
        let name = c.get(1).map_or("", |m| m.as_str());
        let split = o
            .name
            .captures(name)
            .expect("name matches the name expression");
        (
            split.get(1).map_or("", |m| m.as_str()).to_owned(),
            split.get(2).map_or("", |m| m.as_str()).to_owned(),
            c.get(2).map(|m| m.as_str().to_owned()),
            c.get(3).map(|m| m.as_str().to_owned()),
        )
    });
    let got = match_reference(s).ok().map(|m| {
        (
            m.domain.to_owned(),
            m.path.to_owned(),
            m.tag.map(str::to_owned),
            m.digest.map(str::to_owned),
        )
    });
    prop_assert_eq!(got, expected, "{:?}", s);
    let name_expected = o.name.captures(s).map(|c| {
        (
            c.get(1).map_or("", |m| m.as_str()),
            c.get(2).map_or("", |m| m.as_str()),
        )
    });
    prop_assert_eq!(split_name(s), name_expected, "name {:?}", s);
    Ok(())
}

#[test]
fn upstream_examples_agree() {
    let f64 = "f".repeat(64);
    let examples = [
        "test_com".to_owned(),
        "test.com:tag".into(),
        "test:5000/repo:tag".into(),
        format!("test:5000/repo:tag@sha256:{f64}"),
        "foo/foo_bar.com:8080".into(),
        "[2001:db8::1]:5000/repo".into(),
        "[2001:db8::1]:5000".into(),
        "[fe80::1%eth0]:5000/repo".into(),
        "aa/asdf$$^/aa".into(),
        ":justtag".into(),
        format!("@sha256:{f64}"),
        "Foo/bar".into(),
        "a/b/c:d@e:ffffffffffffffffffffffffffffffff".into(),
    ];
    for s in examples {
        check(&s).unwrap();
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    #[test]
    fn grammar_agrees_with_upstream_expressions(s in "[a-cA-C0-9f._:/@\\[\\]-]{0,24}") {
        check(&s)?;
    }

    #[test]
    fn grammar_agrees_on_reference_like_strings(
        domain in prop::option::of("([a-zA-Z0-9-]{1,4}\\.?){1,3}(:[0-9]{0,3})?|\\[[a-f0-9:]{0,6}\\](:[0-9]{1,3})?"),
        path in "[a-z0-9._-]{1,6}(/[a-z0-9._-]{0,6}){0,2}",
        tag in prop::option::of("[a-zA-Z0-9_.-]{0,6}"),
        digest in prop::option::of("[a-zA-Z0-9+._-]{1,8}:[0-9a-fA-F]{30,34}"),
    ) {
        let mut s = String::new();
        if let Some(d) = domain {
            s.push_str(&d);
            s.push('/');
        }
        s.push_str(&path);
        if let Some(t) = tag {
            s.push(':');
            s.push_str(&t);
        }
        if let Some(d) = digest {
            s.push('@');
            s.push_str(&d);
        }
        check(&s)?;
    }
}
