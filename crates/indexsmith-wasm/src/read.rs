//! Reading request objects from JS: each member by name, checked for its type, with errors that
//! name the member (`edits[2].from: expected a non-negative integer`).
//!
//! This does what `serde_wasm_bindgen::from_value` would, by hand: serde's deserializers are
//! monomorphized per type and their error messages format floats, which together cost more of
//! the module's size budget than everything read here. Results still go out through the shared
//! serde serializer.

use crate::error::{error, ErrorCode};
use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};

/// An `invalid-options` error for `path`.
pub fn invalid(path: &str, message: &str) -> JsValue {
    error(ErrorCode::InvalidOptions, format!("{path}: {message}"))
}

/// A JS object being read; `path` names it in errors.
pub struct Obj {
    value: JsValue,
    path: String,
}

impl Obj {
    /// `value` must be a plain object (not an array, not null).
    pub fn new(value: JsValue, path: impl Into<String>) -> Result<Obj, JsValue> {
        let path = path.into();
        if !value.is_object() || Array::is_array(&value) || value.is_function() {
            return Err(invalid(&path, "expected an object"));
        }
        Ok(Obj { value, path })
    }

    /// Like [`Obj::new`], with `undefined` and `null` giving `None`.
    pub fn optional(value: JsValue, path: impl Into<String>) -> Result<Option<Obj>, JsValue> {
        if value.is_undefined() || value.is_null() {
            return Ok(None);
        }
        Obj::new(value, path).map(Some)
    }

    pub fn path_of(&self, key: &str) -> String {
        format!("{}.{key}", self.path)
    }

    fn err(&self, key: &str, message: &str) -> JsValue {
        invalid(&self.path_of(key), message)
    }

    /// The member, `None` when it is `undefined` or `null`.
    pub fn get(&self, key: &str) -> Option<JsValue> {
        let v = Reflect::get(&self.value, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED);
        (!v.is_undefined() && !v.is_null()).then_some(v)
    }

    /// An error saying that `key` is required, for a member that is absent.
    pub fn missing(&self, key: &str) -> JsValue {
        self.err(key, "required")
    }

    pub fn string(&self, key: &str) -> Result<Option<String>, JsValue> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => v
                .as_string()
                .map(Some)
                .ok_or_else(|| self.err(key, "expected a string")),
        }
    }

    pub fn req_string(&self, key: &str) -> Result<String, JsValue> {
        self.string(key)?.ok_or_else(|| self.missing(key))
    }

    pub fn bool(&self, key: &str) -> Result<Option<bool>, JsValue> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => v
                .as_bool()
                .map(Some)
                .ok_or_else(|| self.err(key, "expected a boolean")),
        }
    }

    pub fn index(&self, key: &str) -> Result<Option<usize>, JsValue> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => as_index(&v)
                .map(Some)
                .ok_or_else(|| self.err(key, "expected a non-negative integer")),
        }
    }

    pub fn req_index(&self, key: &str) -> Result<usize, JsValue> {
        self.index(key)?.ok_or_else(|| self.missing(key))
    }

    /// A `string | Uint8Array` member: a string as its UTF-8 encoding.
    pub fn bytes(&self, key: &str) -> Result<Option<Vec<u8>>, JsValue> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => match v.as_string() {
                Some(s) => Ok(Some(s.into_bytes())),
                None => v
                    .dyn_ref::<Uint8Array>()
                    .map(|a| Some(a.to_vec()))
                    .ok_or_else(|| self.err(key, "expected a string or a Uint8Array")),
            },
        }
    }

    pub fn array(&self, key: &str) -> Result<Option<Array>, JsValue> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => v
                .dyn_into::<Array>()
                .map(Some)
                .map_err(|_| self.err(key, "expected an array")),
        }
    }

    pub fn strings(&self, key: &str) -> Result<Option<Vec<String>>, JsValue> {
        let Some(array) = self.array(key)? else {
            return Ok(None);
        };
        array
            .iter()
            .enumerate()
            .map(|(i, v)| {
                v.as_string().ok_or_else(|| {
                    invalid(&format!("{}[{i}]", self.path_of(key)), "expected a string")
                })
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    }

    /// A `Record<string, string>` member, in the object's key order.
    pub fn string_map(&self, key: &str) -> Result<Option<Vec<(String, String)>>, JsValue> {
        let Some(v) = self.get(key) else {
            return Ok(None);
        };
        let o = Obj::new(v, self.path_of(key))?;
        let object: &Object = o.value.unchecked_ref();
        let mut out = Vec::new();
        for k in Object::keys(object).iter() {
            let k = k.as_string().unwrap_or_default();
            let value = o
                .string(&k)?
                .ok_or_else(|| o.err(&k, "expected a string"))?;
            out.push((k, value));
        }
        Ok(Some(out))
    }

    /// The object's own enumerable keys.
    pub fn keys(&self) -> Vec<String> {
        js_sys::Object::keys(self.value.unchecked_ref::<Object>())
            .iter()
            .filter_map(|k| k.as_string())
            .collect()
    }

    pub fn req_object(&self, key: &str) -> Result<Obj, JsValue> {
        self.object(key)?.ok_or_else(|| self.missing(key))
    }

    pub fn object(&self, key: &str) -> Result<Option<Obj>, JsValue> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => Obj::new(v, self.path_of(key)).map(Some),
        }
    }

    /// A string member that must be one of `choices`.
    pub fn choice<T: Copy>(&self, key: &str, choices: &[(&str, T)]) -> Result<Option<T>, JsValue> {
        let Some(s) = self.string(key)? else {
            return Ok(None);
        };
        match choices.iter().find(|(name, _)| *name == s) {
            Some((_, t)) => Ok(Some(*t)),
            None => {
                let names: Vec<String> = choices.iter().map(|(n, _)| format!("{n:?}")).collect();
                Err(self.err(key, &format!("expected one of {}", names.join(", "))))
            }
        }
    }
}

/// A JS number that is a non-negative integer (a position or count).
pub fn as_index(v: &JsValue) -> Option<usize> {
    let f = v.as_f64()?;
    (f >= 0.0 && f.fract() == 0.0 && f <= u32::MAX as f64).then_some(f as usize)
}

/// A string argument; anything else is an `invalid-input` error (the generated glue would
/// otherwise fail with a TypeError of its own).
pub fn string_arg(value: &JsValue, name: &str) -> Result<String, JsValue> {
    value.as_string().ok_or_else(|| {
        error(
            ErrorCode::InvalidInput,
            format!("`{name}` must be a string"),
        )
    })
}
