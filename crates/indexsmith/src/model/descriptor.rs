//! Content descriptors (image-spec `descriptor.md`): what an index entry, a manifest's config and
//! layers, and a `subject` are.

use super::platform::{platform_from_value, platform_to_value};
use super::{escape, is_attestation, opt_array, opt_str, ModelError, REFERENCE_TYPE};
use crate::digest::Digest;
use crate::json::value::Value;
use crate::media_type::MediaType;
use crate::platform::Platform;
use std::collections::BTreeMap;

/// The members a [`Descriptor`] reads; every other one goes to `extra`.
const KNOWN: &[&str] = &[
    "mediaType",
    "digest",
    "size",
    "platform",
    "artifactType",
    "annotations",
    "urls",
    "data",
];

/// A content descriptor.
///
/// Two descriptors are *equal* (`==`) when every member is; they describe the *same* content
/// ([`Descriptor::same`]) when digest and size are equal.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
#[non_exhaustive]
pub struct Descriptor {
    /// REQUIRED (it MAY be absent in an index entry written before image-spec v1.0, when readers
    /// take the default their context gives). The media type of the referenced content.
    pub media_type: MediaType,
    /// REQUIRED. The digest of the targeted content.
    pub digest: Digest,
    /// REQUIRED. The size of the raw content, in bytes.
    pub size: u64,
    /// OPTIONAL, for index entries only: the platform the referenced manifest runs on.
    pub platform: Option<Platform>,
    /// OPTIONAL. The type of an artifact when the descriptor points to one.
    pub artifact_type: Option<String>,
    /// OPTIONAL. Arbitrary metadata; string values only.
    pub annotations: BTreeMap<String, String>,
    /// OPTIONAL. URLs the content may be downloaded from.
    pub urls: Vec<String>,
    /// OPTIONAL. The content itself, base64-encoded, as written.
    pub data: Option<String>,
    /// Members the image-spec does not define, in document order, kept as read.
    #[cfg_attr(feature = "serde", serde(skip))]
    pub extra: Vec<(String, Value)>,
}

impl Descriptor {
    pub fn new(media_type: impl Into<MediaType>, digest: Digest, size: u64) -> Descriptor {
        Descriptor {
            media_type: media_type.into(),
            digest,
            size,
            platform: None,
            artifact_type: None,
            annotations: BTreeMap::new(),
            urls: Vec::new(),
            data: None,
            extra: Vec::new(),
        }
    }

    pub fn with_platform(mut self, platform: Option<Platform>) -> Descriptor {
        self.platform = platform;
        self
    }

    pub fn with_artifact_type(mut self, artifact_type: Option<String>) -> Descriptor {
        self.artifact_type = artifact_type;
        self
    }

    pub fn with_annotations(mut self, annotations: BTreeMap<String, String>) -> Descriptor {
        self.annotations = annotations;
        self
    }

    /// The same content: digest and size equal (media type, platform and annotations may differ).
    pub fn same(&self, other: &Descriptor) -> bool {
        self.digest == other.digest && self.size == other.size
    }

    /// The value of annotation `key`.
    pub fn annotation(&self, key: &str) -> Option<&str> {
        self.annotations.get(key).map(String::as_str)
    }

    /// A BuildKit attestation manifest (provenance, SBOM), not an image of a platform.
    pub fn is_attestation(&self) -> bool {
        is_attestation(self.annotation(REFERENCE_TYPE))
    }

    /// Reads a descriptor from the value at `at` (its JSON pointer, for errors). A missing
    /// `mediaType` is `default_media_type`.
    pub fn from_value(
        v: &Value,
        default_media_type: &str,
        at: &str,
    ) -> Result<Descriptor, ModelError> {
        let Value::Object(members) = v else {
            return Err(ModelError::wrong_type(at, "an object", v));
        };
        let media_type = opt_str(v, "mediaType", at)?.unwrap_or(default_media_type);
        let digest = match opt_str(v, "digest", at)? {
            Some(d) => d
                .parse::<Digest>()
                .map_err(|e| ModelError::new(&format!("{at}/digest"), e.to_string()))?,
            None => return Err(ModelError::new(at, "no `digest`")),
        };
        let size = match v.get("size") {
            Some(Value::Number(n)) => n.parse::<u64>().map_err(|_| {
                ModelError::new(
                    &format!("{at}/size"),
                    format!("{n} is not a size (a non-negative integer)"),
                )
            })?,
            Some(other) => {
                return Err(ModelError::wrong_type(
                    &format!("{at}/size"),
                    "a number",
                    other,
                ))
            }
            None => return Err(ModelError::new(at, "no `size`")),
        };
        let platform = match v.get("platform") {
            None | Some(Value::Null) => None,
            Some(p) => Some(platform_from_value(p, &format!("{at}/platform"))?),
        };
        let mut annotations = BTreeMap::new();
        match v.get("annotations") {
            None | Some(Value::Null) => {}
            Some(Value::Object(pairs)) => {
                for (k, value) in pairs {
                    let Value::String(s) = value else {
                        return Err(ModelError::wrong_type(
                            &format!("{at}/annotations/{}", escape(k)),
                            "a string",
                            value,
                        ));
                    };
                    annotations.insert(k.clone(), s.clone());
                }
            }
            Some(other) => {
                return Err(ModelError::wrong_type(
                    &format!("{at}/annotations"),
                    "an object",
                    other,
                ))
            }
        }
        let urls = match opt_array(v, "urls", at)? {
            Some(items) => items
                .iter()
                .enumerate()
                .map(|(i, u)| match u {
                    Value::String(s) => Ok(s.clone()),
                    other => Err(ModelError::wrong_type(
                        &format!("{at}/urls/{i}"),
                        "a string",
                        other,
                    )),
                })
                .collect::<Result<_, _>>()?,
            None => Vec::new(),
        };
        Ok(Descriptor {
            media_type: MediaType::parse(media_type),
            digest,
            size,
            platform,
            artifact_type: opt_str(v, "artifactType", at)?.map(str::to_owned),
            annotations,
            urls,
            data: opt_str(v, "data", at)?.map(str::to_owned),
            extra: members
                .iter()
                .filter(|(k, _)| !KNOWN.contains(&k.as_str()))
                .cloned()
                .collect(),
        })
    }

    /// The descriptor as a JSON value, members in the order of the image-spec's Go structs
    /// (`mediaType`, `digest`, `size`, `urls`, `annotations`, `data`, `platform`, `artifactType`),
    /// then `extra`.
    pub fn to_value(&self) -> Value {
        let mut members = vec![
            (
                "mediaType".to_owned(),
                Value::string(self.media_type.as_str()),
            ),
            ("digest".to_owned(), Value::string(self.digest.to_string())),
            ("size".to_owned(), Value::Number(self.size.to_string())),
        ];
        if !self.urls.is_empty() {
            members.push((
                "urls".to_owned(),
                Value::Array(self.urls.iter().map(Value::string).collect()),
            ));
        }
        if !self.annotations.is_empty() {
            members.push((
                "annotations".to_owned(),
                Value::Object(
                    self.annotations
                        .iter()
                        .map(|(k, v)| (k.clone(), Value::string(v)))
                        .collect(),
                ),
            ));
        }
        if let Some(d) = &self.data {
            members.push(("data".to_owned(), Value::string(d)));
        }
        if let Some(p) = &self.platform {
            members.push(("platform".to_owned(), platform_to_value(p)));
        }
        if let Some(t) = &self.artifact_type {
            members.push(("artifactType".to_owned(), Value::string(t)));
        }
        members.extend(self.extra.iter().cloned());
        Value::Object(members)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::parse_value;

    const D1: &str = "sha256:1111111111111111111111111111111111111111111111111111111111111111";

    fn read(text: &str) -> Result<Descriptor, ModelError> {
        Descriptor::from_value(&parse_value(text.as_bytes()).unwrap(), "x/default", "/d")
    }

    #[test]
    fn reads_leniently() {
        let d = read(&format!(
            r#"{{"digest":"{D1}","size":3,"platform":{{"os":"linux","architecture":"arm","variant":""}},"annotations":{{"vnd.docker.reference.type":"attestation-manifest"}},"x-unknown":[1]}}"#
        ))
        .unwrap();
        assert_eq!(d.media_type.as_str(), "x/default");
        assert_eq!(d.size, 3);
        assert_eq!(d.platform.as_ref().unwrap().to_string(), "linux/arm");
        assert!(d.is_attestation());
        assert_eq!(d.extra.len(), 1);
        assert!(d.same(&Descriptor::new("y/z", D1.parse().unwrap(), 3)));
    }

    #[test]
    fn reports_what_it_cannot_read() {
        let cases = [
            ("not an object", "[]".to_owned(), "/d", "an object"),
            ("no digest", r#"{"size":1}"#.to_owned(), "/d", "digest"),
            (
                "bad digest",
                r#"{"digest":"sha256:x","size":1}"#.to_owned(),
                "/d/digest",
                "",
            ),
            (
                "negative size",
                format!(r#"{{"digest":"{D1}","size":-1}}"#),
                "/d/size",
                "-1",
            ),
            (
                "size as text",
                format!(r#"{{"digest":"{D1}","size":"1"}}"#),
                "/d/size",
                "a string",
            ),
            (
                "fractional size",
                format!(r#"{{"digest":"{D1}","size":1.5}}"#),
                "/d/size",
                "",
            ),
            ("no size", format!(r#"{{"digest":"{D1}"}}"#), "/d", "size"),
            (
                "annotation not a string",
                format!(r#"{{"digest":"{D1}","size":1,"annotations":{{"a/b":1}}}}"#),
                "/d/annotations/a~1b",
                "a number",
            ),
            (
                "media type not a string",
                format!(r#"{{"mediaType":7,"digest":"{D1}","size":1}}"#),
                "/d/mediaType",
                "a number",
            ),
            (
                "platform not an object",
                format!(r#"{{"digest":"{D1}","size":1,"platform":"linux/amd64"}}"#),
                "/d/platform",
                "an object",
            ),
            (
                "url not a string",
                format!(r#"{{"digest":"{D1}","size":1,"urls":[null]}}"#),
                "/d/urls/0",
                "null",
            ),
        ];
        for (name, input, pointer, says) in cases {
            let err = read(&input).expect_err(name);
            assert_eq!(err.pointer, pointer, "{name}");
            assert!(err.message.contains(says), "{name}: {err}");
        }
    }

    /// Every member of every JSON type: the right one reads, `null` is absent (an error only for
    /// the required members), and any other type is an error at the member's pointer.
    #[test]
    fn wrong_types_in_every_member() {
        const VALUES: [(&str, &str); 6] = [
            ("null", "null"),
            ("a boolean", "true"),
            ("a number", "7"),
            ("a string", "\"x/y\""),
            ("an array", "[]"),
            ("an object", "{}"),
        ];
        // (member, the JSON types it accepts, whether it is required)
        let members: [(&str, &[&str], bool); 8] = [
            ("mediaType", &["a string"], false),
            ("digest", &[], true),
            ("size", &["a number"], true),
            ("platform", &["an object"], false),
            ("artifactType", &["a string"], false),
            ("annotations", &["an object"], false),
            ("urls", &["an array"], false),
            ("data", &["a string"], false),
        ];
        for (member, accepted, required) in members {
            for (kind, json) in VALUES {
                let case = format!("{member} as {kind}");
                let text = match member {
                    "digest" => format!(r#"{{"size":1,"digest":{json}}}"#),
                    "size" => format!(r#"{{"digest":"{D1}","size":{json}}}"#),
                    _ => format!(r#"{{"{member}":{json},"digest":"{D1}","size":1}}"#),
                };
                let got = read(&text);
                if accepted.contains(&kind) || (kind == "null" && !required) {
                    assert!(got.is_ok(), "{case}: {got:?}");
                } else {
                    let err = got.expect_err(&case);
                    let at_member = format!("/d/{member}");
                    assert!(
                        err.pointer == at_member || (kind == "null" && err.pointer == "/d"),
                        "{case}: {err}"
                    );
                }
            }
        }
    }

    #[test]
    fn writes_what_it_reads() {
        let text = format!(
            r#"{{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{D1}","size":7,"urls":["https://example.com/x"],"annotations":{{"a":"b"}},"data":"e30=","platform":{{"architecture":"amd64","os":"linux"}},"artifactType":"application/x","x":true}}"#
        );
        let d = read(&text).unwrap();
        let written = crate::json::write::to_vec(&d.to_value(), Default::default());
        assert_eq!(String::from_utf8(written).unwrap(), text);
    }
}
