//! A token service of the test's own: issues RS256 JWTs (signed with `openssl`) that
//! docker-registry's token auth accepts, to one user with one password.

use super::http::{serve, ServerRequest, ServerResponse};
use super::registry::TempDir;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

pub const SERVICE: &str = "indexsmith-test-registry";
pub const ISSUER: &str = "indexsmith-test-issuer";

/// Token requests received: (had Basic credentials, scopes).
pub type RequestLog = Arc<Mutex<Vec<(bool, Vec<String>)>>>;

pub struct TokenService {
    pub port: u16,
    pub cert: PathBuf,
    pub requests: RequestLog,
    _dir: TempDir,
}

impl TokenService {
    pub fn realm(&self) -> String {
        format!("http://127.0.0.1:{}/token", self.port)
    }

    pub fn start(user: &str, password: &str) -> TokenService {
        let dir = TempDir::new("token");
        let key = dir.path().join("key.pem");
        let cert = dir.path().join("cert.pem");
        let out = Command::new("openssl")
            .args([
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "2",
                "-subj",
                "/CN=indexsmith-test-issuer",
            ])
            .arg("-keyout")
            .arg(&key)
            .arg("-out")
            .arg(&cert)
            .output()
            .expect("openssl must be installed");
        assert!(
            out.status.success(),
            "openssl req: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let der = Command::new("openssl")
            .args(["x509", "-outform", "DER", "-in"])
            .arg(&cert)
            .output()
            .expect("openssl x509");
        assert!(der.status.success());
        let x5c = base64(&der.stdout, false);
        let expected = format!(
            "Basic {}",
            base64(format!("{user}:{password}").as_bytes(), false)
        );
        let user = user.to_owned();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let log = requests.clone();
        let key_path = key.clone();
        let counter = Arc::new(AtomicU64::new(0));
        let port = serve(Arc::new(move |req: ServerRequest| {
            let auth = req.header("authorization").map(str::to_owned);
            let scopes: Vec<String> = req
                .query()
                .into_iter()
                .filter(|(k, _)| k == "scope")
                .flat_map(|(_, v)| v.split(' ').map(str::to_owned).collect::<Vec<_>>())
                .collect();
            log.lock().unwrap().push((auth.is_some(), scopes.clone()));
            let granted = match &auth {
                Some(a) if *a == expected => true,
                Some(_) => {
                    return ServerResponse {
                        status: 401,
                        headers: vec![("Content-Type".into(), "application/json".into())],
                        body:
                            br#"{"errors":[{"code":"UNAUTHORIZED","message":"bad credentials"}]}"#
                                .to_vec(),
                    };
                }
                None => false,
            };
            let access: Vec<String> = if granted {
                scopes
                    .iter()
                    .filter_map(|s| {
                        let mut parts = s.splitn(3, ':');
                        let (kind, name, actions) = (parts.next()?, parts.next()?, parts.next()?);
                        let actions: Vec<String> =
                            actions.split(',').map(|a| format!("\"{a}\"")).collect();
                        Some(format!(
                            r#"{{"type":"{kind}","name":"{name}","actions":[{}]}}"#,
                            actions.join(",")
                        ))
                    })
                    .collect()
            } else {
                Vec::new()
            };
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_secs();
            let n = counter.fetch_add(1, Ordering::SeqCst);
            let header = format!(r#"{{"alg":"RS256","typ":"JWT","x5c":["{x5c}"]}}"#);
            let claims = format!(
                r#"{{"iss":"{ISSUER}","sub":"{}","aud":"{SERVICE}","exp":{},"nbf":{},"iat":{now},"jti":"t{n}","access":[{}]}}"#,
                if granted { user.as_str() } else { "" },
                now + 300,
                now - 10,
                access.join(",")
            );
            let signing_input = format!(
                "{}.{}",
                base64(header.as_bytes(), true),
                base64(claims.as_bytes(), true)
            );
            let mut child = Command::new("openssl")
                .args(["dgst", "-sha256", "-sign"])
                .arg(&key_path)
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            child
                .stdin
                .take()
                .unwrap()
                .write_all(signing_input.as_bytes())
                .unwrap();
            let sig = child.wait_with_output().unwrap();
            assert!(
                sig.status.success(),
                "openssl dgst: {}",
                String::from_utf8_lossy(&sig.stderr)
            );
            let jwt = format!("{signing_input}.{}", base64(&sig.stdout, true));
            let body = format!(
                r#"{{"token":"{jwt}","access_token":"{jwt}","expires_in":300,"issued_at":"{}"}}"#,
                rfc3339(now)
            );
            ServerResponse {
                status: 200,
                headers: vec![("Content-Type".into(), "application/json".into())],
                body: body.into_bytes(),
            }
        }));
        TokenService {
            port,
            cert,
            requests,
            _dir: dir,
        }
    }
}

pub fn base64(bytes: &[u8], url: bool) -> String {
    let table: &[u8; 64] = if url {
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    } else {
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    };
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = (chunk[0] as u32) << 16
            | (*chunk.get(1).unwrap_or(&0) as u32) << 8
            | *chunk.get(2).unwrap_or(&0) as u32;
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(table[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else if !url {
                out.push('=');
            }
        }
    }
    out
}

/// `YYYY-MM-DDTHH:MM:SSZ` of seconds since the Unix epoch.
pub fn rfc3339(secs: u64) -> String {
    let days = (secs / 86400) as i64;
    let rem = secs % 86400;
    // Civil from days (Howard Hinnant).
    let z = days + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + if m <= 2 { 1 } else { 0 };
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}
