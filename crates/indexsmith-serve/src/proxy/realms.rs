//! The token realms the proxy may forward to: only those named in challenges it has seen.
//!
//! A realm `https://auth.docker.io/token` is known under the key `auth.docker.io/token` (its
//! authority and path) and reached at `/proxy-token/auth.docker.io/token`. The realm's own
//! scheme is kept in the table, so a key says nothing about HTTP or HTTPS.

use std::sync::{Arc, Mutex};

use url::Url;

/// How many realms are remembered; the oldest is forgotten first.
const CAPACITY: usize = 64;

/// The allowlist of realms learned from challenges. Cheap to clone; clones share the table.
#[derive(Debug, Clone, Default)]
pub struct Realms {
    learned: Arc<Mutex<Vec<(String, Url)>>>,
}

/// The key of a realm URL: `authority/path`, without scheme or query.
pub fn key(realm: &Url) -> Option<String> {
    let host = realm.host_str()?;
    let authority = match realm.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_string(),
    };
    Some(format!("{authority}{}", realm.path()))
}

impl Realms {
    /// Remembers a realm; returns its key.
    pub fn learn(&self, realm: &Url) -> Option<String> {
        let key = key(realm)?;
        let mut base = realm.clone();
        base.set_query(None);
        base.set_fragment(None);
        let mut learned = self
            .learned
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        learned.retain(|(k, _)| *k != key);
        if learned.len() >= CAPACITY {
            learned.remove(0);
        }
        learned.push((key.clone(), base));
        Some(key)
    }

    /// The realm (without query) learned under `key`.
    pub fn lookup(&self, key: &str) -> Option<Url> {
        let learned = self
            .learned
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        learned
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, url)| url.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
            let url = Url::parse(realm).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(realms.learn(&url).as_deref(), Some(expected_key), "{name}");
            let found = realms
                .lookup(expected_key)
                .unwrap_or_else(|| panic!("{name}: not found"));
            assert_eq!(found.query(), None, "{name}");
            assert_eq!(found.scheme(), url.scheme(), "{name}");
        }
        assert_eq!(realms.lookup("auth.docker.io/other"), None);
        assert_eq!(realms.lookup("evil.example/token"), None);
    }

    #[test]
    fn oldest_forgotten_first() {
        let realms = Realms::default();
        for n in 0..=CAPACITY {
            let url = Url::parse(&format!("https://auth{n}.example/token")).expect("valid URL");
            realms.learn(&url);
        }
        assert_eq!(realms.lookup("auth0.example/token"), None);
        assert!(realms
            .lookup(&format!("auth{CAPACITY}.example/token"))
            .is_some());
        assert!(realms.lookup("auth1.example/token").is_some());
    }
}
