//! The program as users run it: what it prints, what it starts, and that Ctrl-C stops it all.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use common::{client, header};

/// The running program; dropping it stops it (SIGTERM, then SIGKILL).
struct Program {
    child: Child,
    lines: mpsc::Receiver<String>,
    errors: mpsc::Receiver<String>,
}

fn signal(pid: u32, name: &str) {
    let _ = Command::new("kill")
        .arg(format!("-{name}"))
        .arg(pid.to_string())
        .status();
}

impl Program {
    fn start(args: &[&str]) -> Program {
        let mut child = Command::new(env!("CARGO_BIN_EXE_indexsmith-serve"))
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start the program: {e}"));
        let forward = |stream: Box<dyn std::io::Read + Send>| {
            let (send, receive) = mpsc::channel();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    if send.send(line).is_err() {
                        break;
                    }
                }
            });
            receive
        };
        let lines = forward(Box::new(
            child.stdout.take().unwrap_or_else(|| panic!("no stdout")),
        ));
        let errors = forward(Box::new(
            child.stderr.take().unwrap_or_else(|| panic!("no stderr")),
        ));
        Program {
            child,
            lines,
            errors,
        }
    }

    /// Stdout lines up to the one containing `needle`. The wait only guards against a hang.
    fn lines_until(&self, needle: &str) -> Vec<String> {
        let mut seen = Vec::new();
        loop {
            match self.lines.recv_timeout(Duration::from_secs(120)) {
                Ok(line) => {
                    let done = line.contains(needle);
                    seen.push(line);
                    if done {
                        return seen;
                    }
                }
                Err(_) => panic!(
                    "no line with {needle:?}; got {seen:?}; stderr: {:?}",
                    self.errors.try_iter().collect::<Vec<_>>()
                ),
            }
        }
    }

    /// Waits for a stderr line containing `needle` (the wait only guards against a hang).
    fn stderr_until(&self, needle: &str) -> String {
        let mut seen = Vec::new();
        while let Ok(line) = self.errors.recv_timeout(Duration::from_secs(120)) {
            let done = line.contains(needle);
            seen.push(line);
            if done {
                break;
            }
        }
        seen.join("\n")
    }

    fn stderr(&self) -> String {
        self.errors.try_iter().collect::<Vec<_>>().join("\n")
    }
}

impl Drop for Program {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            signal(self.child.id(), "TERM");
            for _ in 0..100 {
                if let Ok(Some(_)) = self.child.try_wait() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// The first `http://...` URL on the line starting with `label`.
fn url_on(lines: &[String], label: &str) -> String {
    let line = lines
        .iter()
        .find(|l| l.trim_start().starts_with(label))
        .unwrap_or_else(|| panic!("no {label} line in {lines:?}"));
    let start = line
        .find("http://")
        .unwrap_or_else(|| panic!("no URL in {line}"));
    line[start..]
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .trim_end_matches('/')
        .to_string()
}

#[tokio::test]
async fn starts_registry_and_sample_and_stops_them_on_ctrl_c() {
    let dist = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(
        dist.path().join("index.html"),
        "<!doctype html><title>app</title>",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let dist_arg = dist.path().to_string_lossy().into_owned();
    let mut program = Program::start(&["--port", "0", "--dist", &dist_arg]);
    let lines = program.lines_until("Press Ctrl-C");
    let app = url_on(&lines, "app");
    let registry = url_on(&lines, "registry");
    let registry_host = registry.trim_start_matches("http://").to_string();

    // The app.
    let page = client()
        .get(format!("{app}/"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        page.text().await.unwrap_or_default(),
        "<!doctype html><title>app</title>"
    );

    // The registry sends no CORS headers: browsers reach it only through the proxy.
    let v2 = client()
        .get(format!("{registry}/v2/"))
        .header("origin", "http://evil.test")
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(v2.status(), 200);
    assert_eq!(header(&v2, "access-control-allow-origin"), "");
    let preflight = client()
        .request(
            reqwest::Method::OPTIONS,
            format!("{registry}/v2/sample/hello/manifests/latest"),
        )
        .header("origin", "http://evil.test")
        .header("access-control-request-method", "DELETE")
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        header(&preflight, "access-control-allow-origin"),
        "",
        "the registry allows a cross-origin DELETE"
    );
    assert_eq!(header(&preflight, "access-control-allow-methods"), "");

    // The printed sample reference resolves, through the proxy too, to the printed digest.
    let sample_line = lines
        .iter()
        .find(|l| l.contains("/sample/hello:latest ") || l.contains("/sample/hello:latest  "))
        .unwrap_or_else(|| panic!("no sample line in {lines:?}"));
    let digest = sample_line
        .split_whitespace()
        .find(|w| w.starts_with("sha256:"))
        .unwrap_or_else(|| panic!("no digest in {sample_line}"));
    assert!(
        sample_line.contains(&format!("{registry_host}/sample/hello:latest")),
        "{sample_line}"
    );
    let proxied = client()
        .head(format!(
            "{app}/proxy/{registry_host}/v2/sample/hello/manifests/latest"
        ))
        .header("accept", indexsmith_serve::push::accept_manifests())
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(header(&proxied, "docker-content-digest"), digest);

    // Ctrl-C stops the program and the registry it started.
    signal(program.child.id(), "INT");
    let status = program.child.wait().unwrap_or_else(|e| panic!("{e}"));
    assert!(
        status.success(),
        "exit status {status}; stderr: {}",
        program.stderr()
    );
    let after = client().get(format!("{registry}/v2/")).send().await;
    assert!(after.is_err(), "the registry still answers after Ctrl-C");
    let app_after = client().get(format!("{app}/")).send().await;
    assert!(app_after.is_err(), "the app still answers after Ctrl-C");
}

#[tokio::test]
async fn without_the_registry_program_it_says_how_to_install_it_and_serves_the_app() {
    let missing = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let program_path = missing.path().join("docker-registry");
    let program_arg = program_path.to_string_lossy().into_owned();
    let program = Program::start(&[
        "--port",
        "0",
        "--dist",
        "no-such-dist",
        "--registry-bin",
        &program_arg,
    ]);
    let lines = program.lines_until("Press Ctrl-C");
    assert!(
        !lines.iter().any(|l| l.trim_start().starts_with("registry")),
        "a registry line without a registry: {lines:?}"
    );
    let app = url_on(&lines, "app");
    let page = client()
        .get(format!("{app}/"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(page.status(), 200);
    assert!(page
        .text()
        .await
        .unwrap_or_default()
        .contains("is not built"));
    let stderr = program.stderr_until("apt-get install docker-registry");
    assert!(
        stderr.contains("apt-get install docker-registry"),
        "stderr: {stderr}"
    );
}
