//! Why an upstream could not be reached, in words a browser can act on.
//!
//! A browser sees only the proxy's `502`, so the proxy names the cause at the start of its error
//! message: `connection refused`, `host not found`, `TLS failed`, `timed out`, or `unreachable`,
//! followed by the chain of underlying errors.

use std::error::Error;
use std::io;

/// The cause of a failed upstream request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unreachable {
    ConnectionRefused,
    HostNotFound,
    Tls,
    TimedOut,
    Other,
}

impl Unreachable {
    /// The phrase that starts the proxy's message (clients match on it).
    pub fn phrase(self) -> &'static str {
        match self {
            Unreachable::ConnectionRefused => "connection refused",
            Unreachable::HostNotFound => "host not found",
            Unreachable::Tls => "TLS failed",
            Unreachable::TimedOut => "timed out",
            Unreachable::Other => "unreachable",
        }
    }

    /// Classifies an error by walking its chain of sources.
    pub fn of(error: &(dyn Error + 'static)) -> Unreachable {
        let mut next: Option<&(dyn Error + 'static)> = Some(error);
        let mut texts = Vec::new();
        while let Some(e) = next {
            if let Some(io) = e.downcast_ref::<io::Error>() {
                match io.kind() {
                    io::ErrorKind::ConnectionRefused => return Unreachable::ConnectionRefused,
                    io::ErrorKind::TimedOut => return Unreachable::TimedOut,
                    _ => {}
                }
            }
            texts.push(e.to_string().to_ascii_lowercase());
            next = e.source();
        }
        let has = |needle: &str| texts.iter().any(|t| t.contains(needle));
        if has("dns error") || has("failed to lookup") || has("name or service not known") {
            Unreachable::HostNotFound
        } else if has("connection refused") {
            Unreachable::ConnectionRefused
        } else if has("certificate") || has("tls") || has("handshake") {
            Unreachable::Tls
        } else if has("timed out") {
            Unreachable::TimedOut
        } else {
            Unreachable::Other
        }
    }
}

/// `<phrase>: <error>: <source>: …`, each distinct text once.
pub fn describe(error: &(dyn Error + 'static)) -> String {
    let mut out = Unreachable::of(error).phrase().to_owned();
    let mut next: Option<&(dyn Error + 'static)> = Some(error);
    while let Some(e) = next {
        let text = e.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        next = e.source();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Wrapped(&'static str, Box<dyn Error + Send + Sync>);

    impl std::fmt::Display for Wrapped {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(self.0)
        }
    }

    impl Error for Wrapped {
        fn source(&self) -> Option<&(dyn Error + 'static)> {
            Some(self.1.as_ref())
        }
    }

    #[test]
    fn causes_are_named() {
        let cases: Vec<(&str, Wrapped, Unreachable)> = vec![
            (
                "refused",
                Wrapped(
                    "error sending request",
                    Box::new(io::Error::from(io::ErrorKind::ConnectionRefused)),
                ),
                Unreachable::ConnectionRefused,
            ),
            (
                "dns",
                Wrapped(
                    "error sending request",
                    Box::new(Wrapped(
                        "dns error",
                        Box::new(io::Error::other("failed to lookup address information")),
                    )),
                ),
                Unreachable::HostNotFound,
            ),
            (
                "tls",
                Wrapped(
                    "error sending request",
                    Box::new(io::Error::other("invalid peer certificate: UnknownIssuer")),
                ),
                Unreachable::Tls,
            ),
            (
                "timeout",
                Wrapped(
                    "error sending request",
                    Box::new(io::Error::from(io::ErrorKind::TimedOut)),
                ),
                Unreachable::TimedOut,
            ),
            (
                "other",
                Wrapped("error sending request", Box::new(io::Error::other("reset"))),
                Unreachable::Other,
            ),
        ];
        for (name, error, expected) in cases {
            assert_eq!(Unreachable::of(&error), expected, "{name}");
            let text = describe(&error);
            assert!(text.starts_with(expected.phrase()), "{name}: {text}");
            assert!(text.contains("error sending request"), "{name}: {text}");
        }
    }
}
