//! Platforms as JSON values: the `platform` of an index entry, and the platform members of an
//! image config (the same names at its top level).

use super::{opt_array, opt_str, ModelError};
use crate::json::value::Value;
use crate::platform::Platform;

/// `architecture, os, os.version, os.features, variant`: the member order of the image-spec's and
/// distribution's Go structs, which new documents follow.
pub const PLATFORM_ORDER: &[&str] = &[
    "architecture",
    "os",
    "os.version",
    "os.features",
    "variant",
    "features",
];

/// The platform as a JSON value, in [`PLATFORM_ORDER`].
pub fn platform_to_value(p: &Platform) -> Value {
    let mut members = vec![
        ("architecture".to_owned(), Value::string(&p.architecture)),
        ("os".to_owned(), Value::string(&p.os)),
    ];
    if let Some(v) = &p.os_version {
        members.push(("os.version".into(), Value::string(v)));
    }
    if !p.os_features.is_empty() {
        members.push((
            "os.features".into(),
            Value::Array(p.os_features.iter().map(Value::string).collect()),
        ));
    }
    if let Some(v) = &p.variant {
        members.push(("variant".into(), Value::string(v)));
    }
    Value::Object(members)
}

/// Reads the platform members of the object at `at` (its JSON pointer, for errors): a missing
/// `os` or `architecture` is an empty string, an empty `variant` or `os.version` is absent,
/// other members are ignored. A member of the wrong type is an error.
pub fn platform_from_value(v: &Value, at: &str) -> Result<Platform, ModelError> {
    if !matches!(v, Value::Object(_)) {
        return Err(ModelError::wrong_type(at, "an object", v));
    }
    let text = |key: &str| -> Result<Option<String>, ModelError> {
        Ok(opt_str(v, key, at)?
            .filter(|s| !s.is_empty())
            .map(str::to_owned))
    };
    let mut p = Platform::new(
        text("os")?.unwrap_or_default(),
        text("architecture")?.unwrap_or_default(),
    );
    p.variant = text("variant")?;
    p.os_version = text("os.version")?;
    p.os_features = match opt_array(v, "os.features", at)? {
        Some(items) => items
            .iter()
            .enumerate()
            .map(|(i, f)| match f {
                Value::String(s) => Ok(s.clone()),
                other => Err(ModelError::wrong_type(
                    &format!("{at}/os.features/{i}"),
                    "a string",
                    other,
                )),
            })
            .collect::<Result<_, _>>()?,
        None => Vec::new(),
    };
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::parse_value;

    #[test]
    fn reads_platforms() {
        let win = Platform::new("windows", "amd64")
            .with_os_version("10.0.1")
            .with_os_features(vec!["win32k".into()]);
        let cases: [(&str, &str, Result<Platform, &str>); 6] = [
            (
                "full",
                r#"{"os":"windows","architecture":"amd64","os.version":"10.0.1","os.features":["win32k"]}"#,
                Ok(win),
            ),
            (
                "variant, unknown member",
                r#"{"os":"linux","architecture":"arm","variant":"v7","extra":1}"#,
                Ok(Platform::new("linux", "arm").with_variant("v7")),
            ),
            (
                "empty variant",
                r#"{"os":"linux","architecture":"arm64","variant":""}"#,
                Ok(Platform::new("linux", "arm64")),
            ),
            (
                "missing os",
                r#"{"architecture":"arm64"}"#,
                Ok(Platform::new("", "arm64")),
            ),
            (
                "variant of the wrong type",
                r#"{"os":"linux","architecture":"arm","variant":7}"#,
                Err("/p/variant"),
            ),
            (
                "feature of the wrong type",
                r#"{"os":"linux","architecture":"arm","os.features":[1]}"#,
                Err("/p/os.features/0"),
            ),
        ];
        for (name, input, expected) in cases {
            let got = platform_from_value(&parse_value(input.as_bytes()).unwrap(), "/p");
            match expected {
                Ok(p) => assert_eq!(got.unwrap(), p, "{name}"),
                Err(pointer) => assert_eq!(got.unwrap_err().pointer, pointer, "{name}"),
            }
        }
    }

    #[test]
    fn writes_in_struct_order() {
        let p = Platform::new("linux", "arm").with_variant("v7");
        let v = platform_to_value(&p);
        assert_eq!(platform_from_value(&v, "").unwrap(), p);
        let keys: Vec<&str> = v
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, _)| k.as_str())
            .collect();
        assert_eq!(keys, ["architecture", "os", "variant"]);
    }
}
