//! The registry commands against Debian's `docker-registry` on 127.0.0.1, as a CI job runs them:
//! one anonymous registry, one with htpasswd basic auth.

mod common;

use std::path::Path;
use std::sync::{Arc, Mutex};

use common::http::{self, ServerRequest};
use common::images::{self, Image, Seeder};
use common::registry::{Auth, Registry};
use common::{credential_helper, path_with, run_with, Run};
use indexsmith::digest::sha256;

const USER: &str = "ci";
const PASSWORD: &str = "s3cret-pass";

struct Setup {
    open: Registry,
    locked: Registry,
    amd64: Image,
    arm64: Image,
    /// An empty Docker config folder (no credentials).
    config: tempfile::TempDir,
}

fn setup() -> Setup {
    let open = Registry::start(Auth::None);
    let locked = Registry::start(Auth::Basic {
        user: USER.into(),
        password: PASSWORD.into(),
    });
    let amd64 = images::image("cli", "amd64", &[1200, 70_000]);
    let arm64 = images::image("cli", "arm64", &[900, 50_000]);
    let seeder = Seeder {
        host: open.host(),
        authorization: None,
    };
    seeder.image("app", &amd64, Some("amd64"));
    seeder.image("app", &arm64, Some("arm64"));
    Setup {
        open,
        locked,
        amd64,
        arm64,
        config: tempfile::tempdir().unwrap(),
    }
}

/// Runs `indexsmith` with `config` as its Docker config folder.
fn cli(config: &Path, args: &[&str], stdin: Option<&[u8]>) -> Run {
    run_with(args, stdin, &[("DOCKER_CONFIG", config.to_str().unwrap())])
}

fn ok(run: &Run, what: &str) {
    assert_eq!(run.status, 0, "{what}: {}", run.stderr);
}

fn entries(bytes: &[u8]) -> Vec<serde_json::Value> {
    let doc: serde_json::Value = serde_json::from_slice(bytes).expect("JSON");
    doc["manifests"].as_array().expect("manifests").clone()
}

#[test]
fn the_pipeline_create_annotate_push_inspect_login_copy_tags_resolve() {
    let s = setup();
    let (a, b) = (s.open.host(), s.locked.host());
    let cfg = s.config.path();

    // create from two per-arch tags: digests and sizes from the children, platforms from configs.
    let created = cli(
        cfg,
        &[
            "create",
            &format!("{a}/app:amd64"),
            &format!("{a}/app:arm64"),
        ],
        None,
    );
    ok(&created, "create");
    let e = entries(&created.stdout);
    assert_eq!(e.len(), 2);
    assert_eq!(e[0]["digest"], s.amd64.digest.to_string().as_str());
    assert_eq!(e[1]["digest"], s.arm64.digest.to_string().as_str());
    assert_eq!(e[1]["size"], s.arm64.manifest.len());
    assert_eq!(e[0]["platform"]["architecture"], "amd64");
    assert_eq!(e[1]["platform"]["architecture"], "arm64");
    assert!(
        !created.stdout.ends_with(b"\n"),
        "exact bytes, nothing added"
    );

    // annotate a variant.
    let annotated = cli(
        cfg,
        &[
            "annotate",
            "-",
            "--platform",
            "linux/arm64",
            "--variant",
            "v8",
        ],
        Some(&created.stdout),
    );
    ok(&annotated, "annotate");
    assert_eq!(entries(&annotated.stdout)[1]["platform"]["variant"], "v8");
    let digest = sha256(&annotated.stdout).to_string();

    // push to a new tag: the plan on standard error, the digest alone on standard output.
    let pushed = cli(
        cfg,
        &["push", "-", &format!("{a}/app:1.0")],
        Some(&annotated.stdout),
    );
    ok(&pushed, "push");
    assert_eq!(pushed.stdout_text(), format!("{digest}\n"));
    assert!(
        pushed.stderr.contains("plan: ") && pushed.stderr.contains("present"),
        "{}",
        pushed.stderr
    );

    // inspect --raw: the exact bytes, which hash to the pushed digest.
    let raw = cli(cfg, &["inspect", "--raw", &format!("{a}/app:1.0")], None);
    ok(&raw, "inspect --raw");
    assert_eq!(raw.stdout, annotated.stdout);
    assert_eq!(sha256(&raw.stdout).to_string(), digest);
    let inspected = cli(cfg, &["inspect", "--json", &format!("{a}/app:1.0")], None).json();
    assert_eq!(inspected["digest"], digest.as_str());
    assert_eq!(inspected["kind"], "index");
    assert_eq!(
        inspected["children"][1]["descriptor"]["platform"]["variant"],
        "v8"
    );
    let layers = s.arm64.layers.iter().map(Vec::len).sum::<usize>();
    assert_eq!(inspected["children"][1]["manifest"]["layersSize"], layers);
    assert_eq!(inspected["children"][1]["manifest"]["layers"], 2);
    let text = cli(cfg, &["inspect", &format!("{a}/app:1.0")], None).stdout_text();
    assert!(
        text.contains(&digest) && text.contains("linux/arm64/v8"),
        "{text}"
    );

    // copy to the locked registry: refused without credentials, done after login.
    let denied = cli(
        cfg,
        &["copy", &format!("{a}/app:1.0"), &format!("{b}/app:1.0")],
        None,
    );
    assert_eq!(denied.status, 1);
    assert!(denied.stderr.contains("UNAUTHORIZED"), "{}", denied.stderr);
    let login = cli(
        cfg,
        &["login", &b, "-u", USER, "--password-stdin"],
        Some(format!("{PASSWORD}\n").as_bytes()),
    );
    ok(&login, "login");
    let copied = cli(
        cfg,
        &["copy", &format!("{a}/app:1.0"), &format!("{b}/app:1.0")],
        None,
    );
    ok(&copied, "copy");
    assert_eq!(
        copied.stdout_text(),
        format!("{digest}\n"),
        "the digest is preserved"
    );
    let raw_b = cli(cfg, &["inspect", "--raw", &format!("{b}/app:1.0")], None);
    assert_eq!(raw_b.stdout, annotated.stdout);

    // tags, sorted, one a line; --json with digest and media type.
    let tags = cli(cfg, &["tags", &format!("{a}/app")], None);
    assert_eq!(tags.stdout_text(), "1.0\namd64\narm64\n");
    let tags_b = cli(cfg, &["tags", "--json", &format!("{b}/app")], None).json();
    assert_eq!(
        tags_b,
        serde_json::json!([{ "tag": "1.0", "digest": digest, "mediaType": images::OCI_INDEX }])
    );

    // resolve against the copy.
    let resolved = cli(
        cfg,
        &[
            "resolve",
            &format!("{b}/app:1.0"),
            "--platform",
            "linux/arm64",
            "--json",
        ],
        None,
    );
    ok(&resolved, "resolve");
    let r = resolved.json();
    assert_eq!(r["selectedIndex"], 1);
    assert_eq!(r["selected"]["digest"], s.arm64.digest.to_string().as_str());

    // diff of references: the copy equals its source.
    let same = cli(
        cfg,
        &["diff", &format!("{a}/app:1.0"), &format!("{b}/app:1.0")],
        None,
    );
    assert_eq!(same.status, 0, "{}", same.stderr);
}

#[test]
fn login_checks_credentials_and_writes_nothing_on_failure() {
    let s = setup();
    let b = s.locked.host();
    let cfg = s.config.path();
    let wrong = cli(
        cfg,
        &["login", &b, "-u", USER, "--password-stdin"],
        Some(b"wrong\n"),
    );
    assert_eq!(wrong.status, 1);
    assert!(
        wrong.stderr.contains(&format!("UNAUTHORIZED: {b}")),
        "{}",
        wrong.stderr
    );
    assert!(
        !cfg.join("config.json").exists(),
        "nothing is written on failure"
    );

    // One trailing newline is trimmed (not more, not less).
    let crlf = cli(
        cfg,
        &["login", &b, "-u", USER, "--password-stdin"],
        Some(format!("{PASSWORD}\r\n").as_bytes()),
    );
    ok(&crlf, "login with CRLF");
    let config: serde_json::Value =
        serde_json::from_slice(&std::fs::read(cfg.join("config.json")).unwrap()).unwrap();
    use base64::Engine;
    let auth = base64::engine::general_purpose::STANDARD.encode(format!("{USER}:{PASSWORD}"));
    assert_eq!(config["auths"][b.as_str()]["auth"], auth.as_str());
    let two = cli(
        cfg,
        &["login", &b, "-u", USER, "--password-stdin"],
        Some(format!("{PASSWORD}\n\n").as_bytes()),
    );
    assert_eq!(
        two.status, 1,
        "a password ending in a newline is another password"
    );

    let logout = cli(cfg, &["logout", &b], None);
    ok(&logout, "logout");
    let tags = cli(cfg, &["tags", &format!("{b}/app")], None);
    assert_eq!(tags.status, 1);
    assert!(tags.stderr.contains("UNAUTHORIZED"), "{}", tags.stderr);
}

#[test]
fn one_call_credentials_and_helpers() {
    let s = setup();
    let (a, b) = (s.open.host(), s.locked.host());
    let cfg = s.config.path();
    // --username with --password-stdin, for one call: nothing is written.
    let copied = cli(
        cfg,
        &[
            "copy",
            &format!("{a}/app:amd64"),
            &format!("{b}/one:amd64"),
            "-u",
            USER,
            "--password-stdin",
        ],
        Some(PASSWORD.as_bytes()),
    );
    ok(&copied, "copy with --username");
    assert_eq!(copied.stdout_text(), format!("{}\n", s.amd64.digest));
    assert!(!cfg.join("config.json").exists());

    // A credential helper named in credHelpers for the locked registry's host:port.
    credential_helper(cfg, "clitest", &b, USER, PASSWORD);
    std::fs::write(
        cfg.join("config.json"),
        format!(r#"{{"credHelpers": {{"{b}": "clitest"}}}}"#),
    )
    .unwrap();
    let env = [
        ("DOCKER_CONFIG", cfg.to_str().unwrap()),
        ("PATH", &path_with(cfg)),
    ];
    let tags = run_with(&["tags", &format!("{b}/one")], None, &env);
    ok(&tags, "tags through the helper");
    assert_eq!(tags.stdout_text(), "amd64\n");
    let log = std::fs::read_to_string(cfg.join("clitest.log")).unwrap();
    assert_eq!(log, format!("get {b}\n"));

    // credsStore for every registry: the helper knows only the locked one.
    std::fs::write(cfg.join("config.json"), r#"{"credsStore": "clitest"}"#).unwrap();
    let tags = run_with(&["tags", &format!("{b}/one")], None, &env);
    ok(&tags, "tags through credsStore");

    // login stores through the helper, leaving an empty auths entry as Docker does.
    let login = run_with(
        &["login", &b, "-u", USER, "--password-stdin"],
        Some(PASSWORD.as_bytes()),
        &env,
    );
    ok(&login, "login through credsStore");
    let log = std::fs::read_to_string(cfg.join("clitest.log")).unwrap();
    let stored =
        format!(r#"store {{"ServerURL":"{b}","Username":"{USER}","Secret":"{PASSWORD}"}}"#);
    assert!(log.lines().any(|l| l == stored), "{log}");
    let config: serde_json::Value =
        serde_json::from_slice(&std::fs::read(cfg.join("config.json")).unwrap()).unwrap();
    assert_eq!(config["auths"][b.as_str()], serde_json::json!({}));
    assert_eq!(config["credsStore"], "clitest");

    // An identity token is refused with a clear message, not sent as a password.
    std::fs::write(
        cfg.join("config.json"),
        format!(r#"{{"auths": {{"{b}": {{"identitytoken": "tok"}}}}}}"#),
    )
    .unwrap();
    let token = cli(cfg, &["tags", &format!("{b}/one")], None);
    assert_eq!(token.status, 2);
    assert!(token.stderr.contains("identity token"), "{}", token.stderr);
}

#[test]
fn credentials_go_only_to_their_registry() {
    let s = setup();
    let (a, b) = (s.open.host(), s.locked.host());
    let cfg = s.config.path();
    // A proxy in front of the open registry records every Authorization header it sees.
    let seen: Arc<Mutex<Vec<String>>> = Arc::default();
    let record = seen.clone();
    let port = http::proxy_with(
        a.clone(),
        Arc::new(move |req: &ServerRequest| {
            if let Some(v) = req.header("authorization") {
                record.lock().unwrap().push(v.to_owned());
            }
            None
        }),
        Arc::new(|_: &ServerRequest, r| r),
    );
    let via = format!("127.0.0.1:{port}");
    // Logged in to the locked registry (basic) and, under another port of the same host, nothing.
    let login = cli(
        cfg,
        &["login", &b, "-u", USER, "--password-stdin"],
        Some(PASSWORD.as_bytes()),
    );
    ok(&login, "login");
    let copied = cli(
        cfg,
        &[
            "copy",
            &format!("{via}/app:arm64"),
            &format!("{b}/scoped:arm64"),
        ],
        None,
    );
    ok(&copied, "copy through the recording proxy");
    assert_eq!(copied.stdout_text(), format!("{}\n", s.arm64.digest));
    assert!(
        seen.lock().unwrap().is_empty(),
        "the source saw credentials: {:?}",
        seen.lock().unwrap()
    );
}

#[test]
fn errors_name_the_code_and_reference_and_leave_no_tag() {
    let s = setup();
    let a = s.open.host();
    let cfg = s.config.path();
    // A missing tag.
    let missing = cli(cfg, &["inspect", &format!("{a}/app:nope")], None);
    assert_eq!(missing.status, 1);
    assert!(
        missing
            .stderr
            .starts_with(&format!("indexsmith: MANIFEST_UNKNOWN: {a}/app:nope")),
        "{}",
        missing.stderr
    );
    assert!(missing.stdout.is_empty());
    let repo = cli(cfg, &["tags", &format!("{a}/nothing-here")], None);
    assert_eq!(repo.status, 1);
    assert!(repo.stderr.contains("NAME_UNKNOWN"), "{}", repo.stderr);

    // An invalid document is refused before anything is sent.
    let invalid = cli(
        cfg,
        &["push", "-", &format!("{a}/app:bad")],
        Some(br#"{"schemaVersion": 2, "manifests": [{"mediaType": 1}]}"#),
    );
    assert_eq!(invalid.status, 1);
    assert!(
        invalid.stderr.contains("not a valid index"),
        "{}",
        invalid.stderr
    );
    assert!(invalid.stdout.is_empty());

    // A child found nowhere: the command fails naming its digest and where it looked, and the
    // tag is not written.
    let idx = images::index(&[&s.amd64, &s.arm64]);
    let nowhere = cli(cfg, &["push", "-", &format!("{a}/other:1.0")], Some(&idx));
    assert_eq!(nowhere.status, 1);
    // The first child the push finds missing (the children are looked for concurrently).
    assert!(
        nowhere.stderr.contains(&s.amd64.digest.to_string())
            || nowhere.stderr.contains(&s.arm64.digest.to_string()),
        "{}",
        nowhere.stderr
    );
    assert!(
        nowhere.stderr.contains(&format!("{a}/other")),
        "{}",
        nowhere.stderr
    );
    let seeder = Seeder {
        host: a.clone(),
        authorization: None,
    };
    assert_eq!(
        seeder.manifest_status("other", "1.0"),
        404,
        "no half-pushed tag"
    );

    // --dry-run: the plan on standard output, nothing pushed, exit 0.
    let dry = cli(
        cfg,
        &[
            "push",
            "--dry-run",
            "-",
            &format!("{a}/other:1.0"),
            "--source",
            &format!("{a}/app"),
        ],
        Some(&idx),
    );
    ok(&dry, "dry run");
    assert!(dry.stdout_text().contains("mount"), "{}", dry.stdout_text());
    assert_eq!(
        seeder.manifest_status("other", "1.0"),
        404,
        "a dry run pushes nothing"
    );

    // With the source, the children are mounted and the index pushed.
    let pushed = cli(
        cfg,
        &[
            "push",
            "-",
            &format!("{a}/other:1.0"),
            "--source",
            &format!("{a}/app"),
        ],
        Some(&idx),
    );
    ok(&pushed, "push with --source");
    assert_eq!(pushed.stdout_text(), format!("{}\n", sha256(&idx)));
    assert!(pushed.stderr.contains("mount"), "{}", pushed.stderr);

    // copy --platform: an index of only those entries, with a new digest.
    let one = cli(
        cfg,
        &[
            "copy",
            &format!("{a}/other:1.0"),
            &format!("{a}/amd-only:1.0"),
            "--platform",
            "linux/amd64",
        ],
        None,
    );
    ok(&one, "copy --platform");
    let raw = cli(
        cfg,
        &["inspect", "--raw", &format!("{a}/amd-only:1.0")],
        None,
    );
    assert_eq!(one.stdout_text(), format!("{}\n", sha256(&raw.stdout)));
    assert_ne!(sha256(&raw.stdout), sha256(&idx));
    let kept = entries(&raw.stdout);
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0]["digest"], s.amd64.digest.to_string().as_str());

    // create: --platform once per reference or not at all.
    let uneven = cli(
        cfg,
        &[
            "create",
            &format!("{a}/app:amd64"),
            &format!("{a}/app:arm64"),
            "--platform",
            "linux/amd64",
        ],
        None,
    );
    assert_eq!(uneven.status, 2);
    assert!(
        uneven.stderr.contains("once per reference"),
        "{}",
        uneven.stderr
    );
}

#[test]
fn progress_is_a_bar_on_a_terminal() {
    let s = setup();
    let (a, b) = (s.open.host(), s.locked.host());
    let cfg = s.config.path();
    let login = cli(
        cfg,
        &["login", &b, "-u", USER, "--password-stdin"],
        Some(PASSWORD.as_bytes()),
    );
    ok(&login, "login");
    // `script` runs the copy on a pseudo-terminal: standard error is a terminal, standard output
    // goes to a file.
    let out = cfg.join("digest.txt");
    let command = format!(
        "{} copy {a}/app:arm64 {b}/bar:arm64 > {}",
        common::bin(),
        out.display()
    );
    let run = std::process::Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .env("DOCKER_CONFIG", cfg)
        .output()
        .expect("script (util-linux)");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stdout)
    );
    let terminal = String::from_utf8_lossy(&run.stdout);
    assert!(
        terminal.contains("\r\x1b[2K["),
        "a bar redrawn in place: {terminal:?}"
    );
    assert!(
        terminal.contains("blobs,") && terminal.contains("manifests"),
        "{terminal:?}"
    );
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        format!("{}\n", s.arm64.digest)
    );
}
