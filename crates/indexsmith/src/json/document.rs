//! The public face of a parsed text: what callers outside the crate may ask of it. The tree
//! behind it (its nodes and their ids) is the parser's and the validator's business only.

use super::parse::{parse, Limits, ParseFinding};
use super::tree::Tree;
use super::value::Value;
use std::ops::Range;

/// A parsed JSON text.
#[derive(Debug)]
pub struct Document<'a> {
    tree: Tree<'a>,
}

impl<'a> Document<'a> {
    /// Parses `text`. The document is `None` when a fatal problem (syntax, depth, size) stopped
    /// parsing; the findings list every problem found, fatal or not.
    pub fn parse(text: &'a [u8], limits: &Limits) -> (Option<Document<'a>>, Vec<ParseFinding>) {
        let (tree, findings) = parse(text, limits);
        (tree.map(|tree| Document { tree }), findings)
    }

    /// The number of values and keys in the text.
    pub fn node_count(&self) -> usize {
        self.tree.nodes.len()
    }

    /// The bytes of the value an RFC 6901 pointer leads to, when it leads anywhere.
    pub fn resolve_pointer(&self, pointer: &str) -> Option<Range<usize>> {
        self.tree.resolve_pointer(pointer).map(|id| self.range(id))
    }

    /// The bytes of the value of the first member named `key`, in document order, at any depth.
    pub fn find_member(&self, key: &str) -> Option<Range<usize>> {
        (0..self.tree.nodes.len() as u32)
            .find(|&n| self.tree.node(n).is_key && self.tree.str(n) == key)
            .map(|k| self.range(k + 1))
    }

    /// The whole text as a value (a duplicate key keeps its last value, at its first position).
    pub fn value(&self) -> Value {
        if self.tree.nodes.is_empty() {
            return Value::Null; // a parsed text has a root; this only keeps the call total
        }
        Value::from_tree(&self.tree, Tree::ROOT)
    }

    fn range(&self, id: u32) -> Range<usize> {
        let node = self.tree.node(id);
        node.start as usize..node.end as usize
    }
}

/// Parses JSON text into a value with the default [`Limits`]. Problems that do not stop parsing
/// (a duplicate key, a lone surrogate) are let through; the first one that does is the error.
pub fn parse_value(text: &[u8]) -> Result<Value, String> {
    let (doc, findings) = Document::parse(text, &Limits::default());
    match doc {
        Some(doc) => Ok(doc.value()),
        None => Err(findings
            .into_iter()
            .last()
            .map_or_else(|| "not JSON".to_owned(), |f| f.message)),
    }
}
