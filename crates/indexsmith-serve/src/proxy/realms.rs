//! The token realms the proxy may forward to: only those named in challenges it has passed on.
//!
//! A realm `https://auth.docker.io/token` is known under the key `auth.docker.io/token` (its
//! authority and path) and reached at `/proxy-token/auth.docker.io/token`. The realm's own
//! scheme is kept in the table, so a key says nothing about HTTP or HTTPS.
//!
//! Each upstream registry has a small table of its own: a registry that names many realms
//! forgets only its own older ones, never another registry's. Realms with userinfo are not
//! learned (the key could not tell two of them apart).

use std::sync::{Arc, Mutex};

use url::Url;

/// How many realms one upstream may have; its oldest is forgotten first.
pub const PER_UPSTREAM: usize = 4;
/// How many upstreams are remembered; the one least recently heard from is forgotten first.
pub const UPSTREAMS: usize = 64;

/// One upstream's realms: `(upstream authority, [(key, realm)])`, oldest realm first.
type UpstreamRealms = (String, Vec<(String, Url)>);

/// The allowlist of realms learned from challenges. Cheap to clone; clones share the table.
#[derive(Debug, Clone, Default)]
pub struct Realms {
    /// One table per upstream, least recently heard from first.
    tables: Arc<Mutex<Vec<UpstreamRealms>>>,
}

/// The key of a realm URL: `authority/path`, without scheme or query. `None` for realms that
/// cannot be keyed: no host, or userinfo.
pub fn key(realm: &Url) -> Option<String> {
    if !realm.username().is_empty() || realm.password().is_some() {
        return None;
    }
    let host = realm.host_str()?;
    let authority = match realm.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_string(),
    };
    Some(format!("{authority}{}", realm.path()))
}

impl Realms {
    /// Remembers a realm named by `upstream` (the registry's authority); returns its key.
    pub fn learn(&self, upstream: &str, realm: &Url) -> Option<String> {
        let key = key(realm)?;
        let mut base = realm.clone();
        base.set_query(None);
        base.set_fragment(None);
        let mut tables = self.tables.lock().unwrap_or_else(|p| p.into_inner());
        let mut table = match tables.iter().position(|(u, _)| u == upstream) {
            Some(at) => tables.remove(at).1,
            None => Vec::new(),
        };
        table.retain(|(k, _)| *k != key);
        if table.len() >= PER_UPSTREAM {
            table.remove(0);
        }
        table.push((key.clone(), base));
        if tables.len() >= UPSTREAMS {
            tables.remove(0);
        }
        tables.push((upstream.to_string(), table));
        Some(key)
    }

    /// The realm (without query) learned under `key`, from any upstream.
    pub fn lookup(&self, key: &str) -> Option<Url> {
        let tables = self.tables.lock().unwrap_or_else(|p| p.into_inner());
        tables
            .iter()
            .rev()
            .flat_map(|(_, table)| table.iter())
            .find(|(k, _)| k == key)
            .map(|(_, url)| url.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> Url {
        Url::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn learn_and_lookup() {
        let realms = Realms::default();
        let cases = [
            (
                "docker hub",
                "https://auth.docker.io/token",
                "auth.docker.io/token",
            ),
            (
                "port and query",
                "http://127.0.0.1:5001/auth?x=1",
                "127.0.0.1:5001/auth",
            ),
            ("ipv6", "http://[::1]:5001/t", "[::1]:5001/t"),
        ];
        for (name, realm, expected_key) in cases {
            let realm = url(realm);
            assert_eq!(
                realms.learn("registry.example", &realm).as_deref(),
                Some(expected_key),
                "{name}"
            );
            let found = realms
                .lookup(expected_key)
                .unwrap_or_else(|| panic!("{name}: not found"));
            assert_eq!(found.query(), None, "{name}");
            assert_eq!(found.scheme(), realm.scheme(), "{name}");
        }
        assert_eq!(realms.lookup("auth.docker.io/other"), None);
        assert_eq!(realms.lookup("evil.example/token"), None);
    }

    #[test]
    fn userinfo_is_not_learned() {
        let realms = Realms::default();
        let with_user = url("https://user:secret@auth.example/token");
        assert_eq!(realms.learn("registry.example", &with_user), None);
        assert_eq!(realms.lookup("auth.example/token"), None);
    }

    #[test]
    fn an_upstream_forgets_only_its_own_realms() {
        let realms = Realms::default();
        realms.learn("good.example", &url("https://auth.good.example/token"));
        for n in 0..=PER_UPSTREAM * 10 {
            realms.learn(
                "flood.example",
                &url(&format!("https://auth{n}.flood.example/token")),
            );
        }
        assert!(realms.lookup("auth.good.example/token").is_some());
        assert_eq!(realms.lookup("auth0.flood.example/token"), None);
        let newest = format!("auth{}.flood.example/token", PER_UPSTREAM * 10);
        assert!(realms.lookup(&newest).is_some());
    }

    #[test]
    fn least_recent_upstream_forgotten_first() {
        let realms = Realms::default();
        for n in 0..=UPSTREAMS {
            realms.learn(
                &format!("r{n}.example"),
                &url(&format!("https://auth{n}.example/token")),
            );
        }
        assert_eq!(realms.lookup("auth0.example/token"), None);
        assert!(realms.lookup("auth1.example/token").is_some());
        assert!(realms
            .lookup(&format!("auth{UPSTREAMS}.example/token"))
            .is_some());
    }
}
