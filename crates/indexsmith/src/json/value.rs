//! An owned JSON value that keeps member order and numbers as written, for editing documents.
//!
//! Validation never builds one (it reads the located tree in place); composition does, because an
//! edit must keep every untouched member, including unknown ones, exactly as it was.

use super::tree::{NodeId, NodeKind, Tree};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    Null,
    Bool(bool),
    /// The number's text as written (JSON numbers are not re-formatted).
    Number(String),
    String(String),
    Array(Vec<Value>),
    /// Members in document order.
    Object(Vec<(String, Value)>),
}

impl Value {
    /// What the value is, with its article, for messages: "a string", "an object", "null".
    pub fn kind_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        }
    }

    /// Builds the value of node `id`. Duplicate keys keep their last value, at the first position.
    pub(crate) fn from_tree(tree: &Tree<'_>, id: NodeId) -> Value {
        match tree.kind(id) {
            NodeKind::Null => Value::Null,
            NodeKind::True => Value::Bool(true),
            NodeKind::False => Value::Bool(false),
            NodeKind::Number => Value::Number(String::from_utf8_lossy(tree.raw(id)).into_owned()),
            NodeKind::String => Value::String(tree.str(id).into_owned()),
            NodeKind::Array => Value::Array(
                tree.elements(id)
                    .map(|e| Value::from_tree(tree, e))
                    .collect(),
            ),
            NodeKind::Object => {
                let mut members: Vec<(String, Value)> =
                    Vec::with_capacity(tree.node(id).len as usize);
                for (k, v) in tree.members(id) {
                    let key = tree.str(k).into_owned();
                    let value = Value::from_tree(tree, v);
                    match members.iter_mut().find(|(existing, _)| *existing == key) {
                        Some(slot) => slot.1 = value,
                        None => members.push((key, value)),
                    }
                }
                Value::Object(members)
            }
        }
    }

    pub fn string(s: impl Into<String>) -> Value {
        Value::String(s.into())
    }

    pub fn int(n: i64) -> Value {
        Value::Number(n.to_string())
    }

    pub fn object() -> Value {
        Value::Object(Vec::new())
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Number(n) => n.parse().ok(),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&Vec<Value>> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }

    pub fn as_array_mut(&mut self) -> Option<&mut Vec<Value>> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&Vec<(String, Value)>> {
        match self {
            Value::Object(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_object_mut(&mut self) -> Option<&mut Vec<(String, Value)>> {
        match self {
            Value::Object(m) => Some(m),
            _ => None,
        }
    }

    /// The member `key` of an object.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.as_object()?
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        self.as_object_mut()?
            .iter_mut()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }

    /// Sets member `key` in place if present, else appends it. No effect on non-objects.
    pub fn set(&mut self, key: &str, value: Value) {
        if let Some(members) = self.as_object_mut() {
            match members.iter_mut().find(|(k, _)| k == key) {
                Some(slot) => slot.1 = value,
                None => members.push((key.to_owned(), value)),
            }
        }
    }

    /// Sets member `key`, inserting a new one before the first of `before` that is present (so
    /// new members land where the specification's field order puts them).
    pub fn set_ordered(&mut self, key: &str, value: Value, before: &[&str]) {
        if let Some(members) = self.as_object_mut() {
            if let Some(slot) = members.iter_mut().find(|(k, _)| k == key) {
                slot.1 = value;
                return;
            }
            let at = members
                .iter()
                .position(|(k, _)| before.contains(&k.as_str()))
                .unwrap_or(members.len());
            members.insert(at, (key.to_owned(), value));
        }
    }

    /// Removes member `key`, returning its value.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        let members = self.as_object_mut()?;
        let at = members.iter().position(|(k, _)| k == key)?;
        Some(members.remove(at).1)
    }
}
