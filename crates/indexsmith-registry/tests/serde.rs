//! The JSON shapes the wasm bindings hand to JavaScript (feature `serde`).
#![cfg(feature = "serde")]

use indexsmith_registry::ops::FetchManifest;
use indexsmith_registry::{
    Body, ManifestRef, Operation, Repository, Response, Session, SessionConfig,
};
use serde_json::json;

#[test]
fn requests_and_responses_cross_as_json() {
    let mut session = Session::new(SessionConfig::default());
    let mut op = FetchManifest::new(
        &session,
        &Repository::new("127.0.0.1:5000", "a"),
        ManifestRef::Tag("v1".into()),
    );
    let request = op.poll_request(&mut session, 0).unwrap();
    let value = serde_json::to_value(&request).unwrap();
    assert_eq!(value["method"], "GET");
    assert_eq!(value["url"], "http://127.0.0.1:5000/v2/a/manifests/v1");
    assert_eq!(value["body"], json!({ "kind": "empty" }));
    assert_eq!(value["streamResponse"], false);

    let response: Response = serde_json::from_value(json!({
        "status": 404,
        "headers": [["Content-Type", "application/json"]],
        "body": { "kind": "bytes", "value": br#"{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}"#.to_vec() }
    }))
    .unwrap();
    assert!(matches!(response.body, Body::Bytes(_)));
    op.handle_response(&mut session, request.id, response, 0);
    let err = op.poll_output().unwrap().unwrap_err();
    let value = serde_json::to_value(&err).unwrap();
    assert_eq!(value["code"], "MANIFEST_UNKNOWN");
    assert_eq!(value["status"], 404);
    assert_eq!(value["retryable"], false);
    assert_eq!(value["detail"], "manifest unknown");
}

#[test]
fn stream_markers_name_their_source() {
    let body = Body::Stream {
        source: indexsmith_registry::RequestId(7),
        offset: 4,
        len: 4,
    };
    assert_eq!(
        serde_json::to_value(&body).unwrap(),
        json!({ "kind": "stream", "value": { "source": 7, "offset": 4, "len": 4 } })
    );
}
