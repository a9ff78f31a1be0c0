//! Credentials in Docker's `config.json` (`$DOCKER_CONFIG`): `logout` removes one registry's
//! entry (and asks its helper to erase it), keeping everything else.

mod common;

use common::{credential_helper, path_with, run_with};

#[test]
fn logout_removes_one_registry_and_keeps_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.json");
    std::fs::write(
        &config,
        r#"{
  "auths": {
    "127.0.0.1:5000": {"auth": "dTpw"},
    "127.0.0.1:5001": {"auth": "dTpx"},
    "https://index.docker.io/v1/": {}
  },
  "credHelpers": {"helped.example": "cli-test"},
  "psFormat": "table {{.ID}}"
}"#,
    )
    .unwrap();
    credential_helper(dir.path(), "cli-test", "helped.example", "u", "p");
    let env = [
        ("DOCKER_CONFIG", dir.path().to_str().unwrap()),
        ("PATH", &path_with(dir.path())),
    ];
    let out = run_with(&["logout", "127.0.0.1:5000"], None, &env);
    assert_eq!(out.status, 0, "{}", out.stderr);
    let kept: serde_json::Value = serde_json::from_slice(&std::fs::read(&config).unwrap()).unwrap();
    let auths = kept["auths"].as_object().unwrap();
    assert!(!auths.contains_key("127.0.0.1:5000"));
    assert!(
        auths.contains_key("127.0.0.1:5001"),
        "the port is part of the key"
    );
    assert!(auths.contains_key("https://index.docker.io/v1/"));
    assert_eq!(
        kept["psFormat"], "table {{.ID}}",
        "unknown members are kept"
    );

    let out = run_with(&["logout", "docker.io"], None, &env);
    assert_eq!(out.status, 0);
    let kept: serde_json::Value = serde_json::from_slice(&std::fs::read(&config).unwrap()).unwrap();
    assert!(!kept["auths"]
        .as_object()
        .unwrap()
        .contains_key("https://index.docker.io/v1/"));

    let out = run_with(&["logout", "helped.example"], None, &env);
    assert_eq!(out.status, 0, "{}", out.stderr);
    let log = std::fs::read_to_string(dir.path().join("cli-test.log")).unwrap();
    assert_eq!(
        log, "erase helped.example\n",
        "the helper is asked to erase"
    );

    let again = run_with(&["logout", "127.0.0.1:5000"], None, &env);
    assert_eq!(again.status, 0);
    assert!(again.stderr.contains("Not logged in"), "{}", again.stderr);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&config).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "config.json is readable by its owner only");
    }
}

#[test]
fn a_broken_config_is_a_usage_error_and_is_not_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.json");
    std::fs::write(&config, "{\"auths\": ").unwrap();
    let out = run_with(
        &["logout", "x.example"],
        None,
        &[("DOCKER_CONFIG", dir.path().to_str().unwrap())],
    );
    assert_eq!(out.status, 2);
    assert!(out.stderr.contains("config.json"), "{}", out.stderr);
    assert_eq!(std::fs::read_to_string(&config).unwrap(), "{\"auths\": ");
}
