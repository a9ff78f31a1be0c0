//! The bindings through the JS boundary: values go in and come out as JS values, as the npm
//! package's users see them. Run with `wasm-bindgen-test-runner` (Node):
//! `CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner cargo test --target wasm32-unknown-unknown -p indexsmith-wasm --test api`
#![cfg(target_arch = "wasm32")]

use indexsmith_wasm::{compose, platform, reference, validate, version};
use js_sys::{Array, Object, Reflect, Uint8Array, JSON};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

const INDEX: &str =
    include_str!("../../../tests/fixtures/corpus/regclient-v3-index-arm-variants.json");
const MANIFEST: &str =
    include_str!("../../../tests/fixtures/corpus/regclient-oci-manifest-2layers.json");

/// `value.a.b.c`.
fn get(value: &JsValue, path: &str) -> JsValue {
    path.split('.').fold(value.clone(), |v, key| {
        Reflect::get(&v, &JsValue::from_str(key)).expect(path)
    })
}

fn json(text: &str) -> JsValue {
    JSON::parse(text).expect("test JSON")
}

fn code_of(error: JsValue) -> String {
    assert!(
        error.is_instance_of::<js_sys::Error>(),
        "thrown values are Errors"
    );
    get(&error, "code").as_string().expect("a string code")
}

#[wasm_bindgen_test]
fn validate_returns_a_plain_report_with_nulls() {
    let cases: &[(&str, &str, bool, Option<&str>, &str)] = &[
        (
            "index",
            INDEX,
            true,
            Some("oci-index"),
            "sha256:2e024d7fe67394cef7f0df9c303f288c7420d1fb27f7657398e897b7eb2ee1d8",
        ),
        (
            "not JSON",
            "nope",
            false,
            None,
            "sha256:ca3704aa0b06f5954c79ee837faa152d84d6b2d42838f0637a15eda8337dbdce",
        ),
    ];
    for (name, input, valid, kind, digest) in cases {
        let report = validate(JsValue::from_str(input), JsValue::UNDEFINED).expect(name);
        assert_eq!(
            JsValue::from(Object::get_prototype_of(&report)),
            JsValue::from(Object::get_prototype_of(&Object::new())),
            "{name}: a plain object"
        );
        assert_eq!(get(&report, "valid").as_bool(), Some(*valid), "{name}");
        match kind {
            Some(k) => assert_eq!(
                get(&report, "kind").as_string().as_deref(),
                Some(*k),
                "{name}"
            ),
            None => assert!(
                get(&report, "kind").is_null(),
                "{name}: kind is null, not undefined"
            ),
        }
        assert_eq!(
            get(&report, "digest").as_string().as_deref(),
            Some(*digest),
            "{name}"
        );
        assert_eq!(
            get(&report, "size").as_f64(),
            Some(input.len() as f64),
            "{name}"
        );
        assert!(Array::is_array(&get(&report, "diagnostics")), "{name}");
    }
}

#[wasm_bindgen_test]
fn bytes_and_strings_give_the_same_report() {
    let bytes = Uint8Array::from(INDEX.as_bytes());
    let a = validate(bytes.into(), JsValue::UNDEFINED).unwrap();
    let b = validate(JsValue::from_str(INDEX), JsValue::UNDEFINED).unwrap();
    assert_eq!(JSON::stringify(&a).unwrap(), JSON::stringify(&b).unwrap());
}

#[wasm_bindgen_test]
fn diagnostics_are_located_in_utf16_columns() {
    let text = "{\n  \"é😀\": x}";
    let report = validate(JsValue::from_str(text), JsValue::UNDEFINED).unwrap();
    let first = get(&report, "diagnostics.0");
    assert_eq!(
        get(&first, "code").as_string().as_deref(),
        Some("json/syntax")
    );
    assert_eq!(get(&first, "line").as_f64(), Some(2.0));
    // `  "é😀": x`: x is the 10th UTF-16 code unit of the line.
    assert_eq!(get(&first, "column").as_f64(), Some(10.0));
    assert_eq!(
        get(&first, "span.start.offset").as_f64(),
        Some(text.find('x').unwrap() as f64)
    );
    assert!(get(&first, "help").is_null() || get(&first, "help").is_string());
}

#[wasm_bindgen_test]
fn bad_calls_throw_errors_with_codes() {
    let cases: Vec<(&str, Result<JsValue, JsValue>, &str)> = vec![
        (
            "input type",
            validate(JsValue::from_f64(1.0), JsValue::UNDEFINED),
            "invalid-input",
        ),
        (
            "expect",
            validate(JsValue::from_str("{}"), json(r#"{"expect":"oci"}"#)),
            "invalid-options",
        ),
        (
            "reference",
            reference::parse_reference(JsValue::from_str(""), JsValue::UNDEFINED),
            "reference/empty",
        ),
        (
            "platform",
            platform::parse_platform(JsValue::from_str("linux/*")),
            "platform/wildcard",
        ),
        (
            "edit op",
            compose::edit_index(
                JsValue::from_str(INDEX),
                json(r#"[{"op":"paint"}]"#),
                JsValue::UNDEFINED,
            ),
            "invalid-options",
        ),
        (
            "not an index",
            compose::edit_index(JsValue::from_str(MANIFEST), json("[]"), JsValue::UNDEFINED),
            "compose/not-an-index",
        ),
    ];
    for (name, result, code) in cases {
        assert_eq!(code_of(result.expect_err(name)), code, "{name}");
    }
    assert_eq!(
        indexsmith_wasm::digest(JsValue::from_str("x"), JsValue::from_str("md5")).map_err(code_of),
        Err("invalid-algorithm".to_owned())
    );
}

#[wasm_bindgen_test]
fn platforms_and_references_cross_as_plain_objects() {
    let p = platform::parse_platform(JsValue::from_str("linux/arm")).unwrap();
    assert_eq!(
        JSON::stringify(&p).unwrap(),
        r#"{"os":"linux","architecture":"arm","variant":"v7","osVersion":null,"osFeatures":[]}"#
    );
    assert_eq!(platform::format_platform(p).unwrap(), "linux/arm/v7");
    assert_eq!(
        platform::platform_matches(
            JsValue::from_str("linux/arm64"),
            JsValue::from_str("linux/arm/v7")
        ),
        Ok(true)
    );
    assert_eq!(
        platform::platform_matches_strict(
            JsValue::from_str("linux/arm64"),
            JsValue::from_str("linux/arm/v7")
        ),
        Ok(false)
    );
    let r =
        reference::parse_reference(JsValue::from_str("ubuntu:24.04"), JsValue::UNDEFINED).unwrap();
    assert_eq!(
        JSON::stringify(&r).unwrap(),
        r#"{"domain":"docker.io","path":"library/ubuntu","tag":"24.04","digest":null,"name":"docker.io/library/ubuntu","familiar":"ubuntu:24.04","string":"docker.io/library/ubuntu:24.04"}"#
    );
}

#[wasm_bindgen_test]
fn annotations_cross_as_objects_not_maps() {
    let request = Object::new();
    let child = Object::new();
    Reflect::set(&child, &"manifest".into(), &MANIFEST.into()).unwrap();
    Reflect::set(
        &child,
        &"platform".into(),
        &json(r#"{"os":"linux","architecture":"amd64"}"#),
    )
    .unwrap();
    Reflect::set(&request, &"manifests".into(), &Array::of1(&child)).unwrap();
    Reflect::set(
        &request,
        &"annotations".into(),
        &json(r#"{"b":"2","a":"1"}"#),
    )
    .unwrap();
    let composed = compose::create_index(request.into()).unwrap();
    let text = get(&composed, "text").as_string().unwrap();
    assert!(
        text.contains(r#""annotations":{"b":"2","a":"1"}"#),
        "annotations in the caller's order: {text}"
    );
    let resolution = platform::resolve_platform(
        JsValue::from_str(&text),
        JsValue::from_str("linux/amd64"),
        JsValue::UNDEFINED,
    )
    .unwrap();
    assert_eq!(get(&resolution, "selectedIndex").as_f64(), Some(0.0));
    assert_eq!(
        get(&resolution, "selected.platform.os")
            .as_string()
            .as_deref(),
        Some("linux")
    );
    let diff = compose::diff_indexes(JsValue::from_str(&text), JsValue::from_str(&text)).unwrap();
    assert_eq!(
        get(&diff, "entries.0.change").as_string().as_deref(),
        Some("unchanged")
    );
    assert!(!get(&diff, "entries").is_instance_of::<js_sys::Map>());
}

#[wasm_bindgen_test]
fn version_is_the_crate_version() {
    assert_eq!(version(), env!("CARGO_PKG_VERSION"));
}
