//! The flat tree the parser builds: nodes in document order, each spanning its text.

use super::name::{Name, UNNAMED};
use std::borrow::Cow;

/// Index of a node in [`Tree::nodes`].
pub type NodeId = u32;

/// Marks "no node" in parent links.
pub const NONE: NodeId = u32::MAX;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeKind {
    Null,
    True,
    False,
    Number,
    String,
    Array,
    Object,
}

impl NodeKind {
    /// The JSON type name used in messages.
    pub fn name(self) -> &'static str {
        match self {
            NodeKind::Null => "null",
            NodeKind::True | NodeKind::False => "boolean",
            NodeKind::Number => "number",
            NodeKind::String => "string",
            NodeKind::Array => "array",
            NodeKind::Object => "object",
        }
    }
}

/// One value (or object key) of the document.
///
/// Objects store each member as its key (a `String` node) immediately followed by its value.
#[derive(Clone, Copy, Debug)]
pub struct Node {
    pub kind: NodeKind,
    /// A string node whose raw text contains a backslash escape or needs lossy decoding.
    pub needs_decoding: bool,
    /// Byte offset of the first byte (the quote of a string, the bracket of a container).
    pub start: u32,
    /// Byte offset just past the last byte.
    pub end: u32,
    /// Index just past this node's subtree: the next sibling, when there is one.
    pub skip: NodeId,
    /// The containing array or object, or [`NONE`] for the root.
    pub parent: NodeId,
    /// Elements of an array, members of an object.
    pub len: u32,
    /// Position among the parent's elements or members (a key and its value share it).
    pub ordinal: u32,
    /// True for the key of an object member.
    pub is_key: bool,
    /// True for the key of a member that a later member with the same key overrides: no JSON
    /// pointer reaches into its value.
    pub shadowed: bool,
    /// For a key: the [`Name`] its content spells, as `Name as u8`, or [`UNNAMED`].
    pub name: u8,
}

/// A parsed document: its bytes and its nodes. The root is node 0.
///
/// Nodes are indexed through `as_slice()`: indexing the `Vec` itself is a call in the npm
/// module's size-tuned build, and node lookups are most of validation.
#[derive(Debug)]
pub struct Tree<'a> {
    pub text: &'a [u8],
    /// The text as `str` when all of it is UTF-8 (the parser checks that once): string content
    /// is then sliced from it without checking again.
    pub text_str: Option<&'a str>,
    /// Whether the text may have a `\r` byte: false only when the parser read every byte and
    /// found none, so that lines are counted by their `\n` alone.
    pub has_cr: bool,
    /// The offset of every line break, ascending, when the parser read every byte and each break
    /// was a `\n` between tokens (none raw in a string, no `\r`): diagnostics are then located
    /// without counting the text's breaks again.
    pub line_breaks: Option<Vec<u32>>,
    pub nodes: Vec<Node>,
}

impl<'a> Tree<'a> {
    pub const ROOT: NodeId = 0;

    /// The longest pointer [`Tree::pointer`] gives, in bytes of the raw keys (about 1 KiB).
    pub const MAX_POINTER: usize = 1024;

    #[inline(always)]
    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes.as_slice()[id as usize]
    }

    #[inline(always)]
    pub fn kind(&self, id: NodeId) -> NodeKind {
        self.nodes.as_slice()[id as usize].kind
    }

    /// The raw text of a node.
    pub fn raw(&self, id: NodeId) -> &'a [u8] {
        let n = &self.nodes.as_slice()[id as usize];
        &self.text[n.start as usize..n.end as usize]
    }

    /// The decoded content of a string node (borrowed when it has no escapes).
    pub fn str(&self, id: NodeId) -> Cow<'a, str> {
        let n = &self.nodes.as_slice()[id as usize];
        let inner = &self.text[n.start as usize + 1..n.end as usize - 1];
        if !n.needs_decoding {
            // Quotes are ASCII, so the content starts and ends on character boundaries.
            if let Some(s) = self
                .text_str
                .and_then(|t| t.get(n.start as usize + 1..n.end as usize - 1))
            {
                return Cow::Borrowed(s);
            }
            // The parser checked that unescaped string content is UTF-8.
            match std::str::from_utf8(inner) {
                Ok(s) => Cow::Borrowed(s),
                Err(_) => String::from_utf8_lossy(inner),
            }
        } else {
            Cow::Owned(super::parse::decode_string(inner))
        }
    }

    /// True when a string node's content equals `s`, without an allocation: an escaped one is
    /// compared as it is decoded, up to its first difference (a look-up of a member among many
    /// escaped keys does not decode each of them whole).
    pub fn str_eq(&self, id: NodeId, s: &str) -> bool {
        let n = &self.nodes.as_slice()[id as usize];
        if n.kind != NodeKind::String {
            return false;
        }
        if n.needs_decoding {
            let mut rest = s.as_bytes();
            let inner = &self.text[n.start as usize + 1..n.end as usize - 1];
            return super::parse::decode_pieces(inner, |piece| {
                match rest.strip_prefix(piece.as_bytes()) {
                    Some(after) => {
                        rest = after;
                        true
                    }
                    None => false,
                }
            }) && rest.is_empty();
        }
        bytes_eq(
            &self.text[n.start as usize + 1..n.end as usize - 1],
            s.as_bytes(),
        )
    }

    /// The members of an object as `(key, value)` node pairs, in document order.
    pub fn members(&self, object: NodeId) -> Members<'_, 'a> {
        let n = &self.nodes.as_slice()[object as usize];
        let first = if n.kind == NodeKind::Object && n.len > 0 {
            object + 1
        } else {
            NONE
        };
        Members {
            tree: self,
            next: first,
            remaining: if first == NONE { 0 } else { n.len },
        }
    }

    /// The elements of an array, in order.
    pub fn elements(&self, array: NodeId) -> Elements<'_, 'a> {
        let n = &self.nodes.as_slice()[array as usize];
        let first = if n.kind == NodeKind::Array && n.len > 0 {
            array + 1
        } else {
            NONE
        };
        Elements {
            tree: self,
            next: first,
            remaining: if first == NONE { 0 } else { n.len },
        }
    }

    /// The value of the member `key` of an object (the last one, should the key repeat).
    pub fn get(&self, object: NodeId, key: &str) -> Option<NodeId> {
        let name = Name::id_of(key.as_bytes());
        if name != UNNAMED {
            let mut found = None;
            for (k, v) in self.members(object) {
                if self.nodes.as_slice()[k as usize].name == name {
                    found = Some(v);
                }
            }
            return found;
        }
        let mut found = None;
        for (k, v) in self.members(object) {
            if self.str_eq(k, key) {
                found = Some(v);
            }
        }
        found
    }

    /// The values of several named members of an object in one pass over its members (the last
    /// one of each name, should a key repeat), in the order of `names`.
    #[inline]
    pub fn get_named<const N: usize>(
        &self,
        object: NodeId,
        names: [Name; N],
    ) -> [Option<NodeId>; N] {
        let mut found = [None; N];
        for (k, v) in self.members(object) {
            let name = self.nodes.as_slice()[k as usize].name;
            if name == UNNAMED {
                continue;
            }
            for i in 0..N {
                if names[i] as u8 == name {
                    found[i] = Some(v);
                }
            }
        }
        found
    }

    /// The RFC 6901 pointer of a node. A node inside the value of a shadowed member (one whose
    /// key repeats later in the same object) has no pointer of its own, as pointers resolve to
    /// the last member: it gets the pointer of the object holding the repeated key.
    ///
    /// A pointer longer than [`Tree::MAX_POINTER`] bytes (only a hostile document has keys that
    /// long) is cut back to that of the nearest ancestor whose pointer fits: a report with many
    /// findings under one huge key would otherwise repeat the key in each of them.
    // The one-off form of `pointer_with`; validation makes many pointers and keeps the buffer.
    #[allow(dead_code)]
    pub fn pointer(&self, id: NodeId) -> String {
        self.pointer_with(id, &mut Vec::new())
    }

    /// [`Tree::pointer`], with room for the path to the root (`tokens`) kept from call to call.
    pub fn pointer_with(&self, id: NodeId, tokens: &mut Vec<NodeId>) -> String {
        let mut out = String::new();
        self.write_pointer(id, tokens, &mut out);
        out
    }

    /// Appends [`Tree::pointer`] of `id` to `out`, with room for the path to the root
    /// (`tokens`) kept from call to call: no allocation once both have grown.
    pub fn write_pointer(&self, id: NodeId, tokens: &mut Vec<NodeId>, out: &mut String) {
        let nodes = self.nodes.as_slice();
        // The nodes whose tokens make the pointer, innermost first, and the raw length of their
        // text (an upper bound of the decoded token's length, plus the `/`).
        tokens.clear();
        let mut length = 0usize;
        let mut current = id;
        while current != NONE && current != Self::ROOT {
            let parent = nodes[current as usize].parent;
            if parent == NONE {
                break;
            }
            let token = match self.kind(parent) {
                NodeKind::Object => {
                    // A value's key is the node right before it; a key points at its member.
                    let key = if nodes[current as usize].is_key {
                        current
                    } else {
                        current - 1
                    };
                    if key != current && nodes[key as usize].shadowed {
                        tokens.clear();
                        length = 0;
                        current = parent;
                        continue;
                    }
                    key
                }
                _ => current,
            };
            let n = &nodes[token as usize];
            length += 1 + (n.end - n.start) as usize;
            if length > Self::MAX_POINTER {
                tokens.clear();
                length = 0;
            } else {
                tokens.push(token);
            }
            current = parent;
        }
        out.reserve(length);
        for &token in tokens.iter().rev() {
            let n = &nodes[token as usize];
            if n.is_key {
                // A known name is its own text: no decoding of the key.
                let text = match Name::from_id(n.name) {
                    Some(name) => Cow::Borrowed(name.as_str()),
                    None => self.str(token),
                };
                crate::diagnostic::push_pointer_token(out, &text);
            } else {
                out.push('/');
                crate::text::push_decimal(out, n.ordinal);
            }
        }
    }

    /// Resolves an RFC 6901 pointer to a node.
    pub fn resolve_pointer(&self, pointer: &str) -> Option<NodeId> {
        if pointer.is_empty() {
            return (!self.nodes.is_empty()).then_some(Self::ROOT);
        }
        let mut current = Self::ROOT;
        for raw in pointer.strip_prefix('/')?.split('/') {
            let token = unescape_pointer_token(raw);
            current = match self.kind(current) {
                NodeKind::Object => self.get(current, &token)?,
                NodeKind::Array => {
                    let i: usize = token.parse().ok()?;
                    self.elements(current).nth(i)?
                }
                _ => return None,
            };
        }
        Some(current)
    }
}

/// An RFC 6901 reference token as text: `~1` is `/`, `~0` is `~` (read left to right, which is
/// the RFC's "~1 first, then ~0").
fn unescape_pointer_token(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, chars.peek()) {
            ('~', Some('1')) => {
                out.push('/');
                chars.next();
            }
            ('~', Some('0')) => {
                out.push('~');
                chars.next();
            }
            _ => out.push(c),
        }
    }
    out
}

/// Byte equality for member names: the length and the first byte reject nearly every other
/// name before the bytes are compared.
#[inline(always)]
pub(crate) fn bytes_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && (a.is_empty() || a[0] == b[0]) && crate::text::same_bytes(a, b)
}

pub struct Members<'t, 'a> {
    tree: &'t Tree<'a>,
    next: NodeId,
    remaining: u32,
}

impl Iterator for Members<'_, '_> {
    type Item = (NodeId, NodeId);

    #[inline(always)]
    fn next(&mut self) -> Option<Self::Item> {
        if self.remaining == 0 {
            return None;
        }
        self.remaining -= 1;
        let key = self.next;
        let value = key + 1;
        self.next = self.tree.nodes.as_slice()[value as usize].skip;
        Some((key, value))
    }
}

pub struct Elements<'t, 'a> {
    tree: &'t Tree<'a>,
    next: NodeId,
    remaining: u32,
}

impl Iterator for Elements<'_, '_> {
    type Item = NodeId;

    #[inline(always)]
    fn next(&mut self) -> Option<Self::Item> {
        if self.remaining == 0 {
            return None;
        }
        self.remaining -= 1;
        let current = self.next;
        self.next = self.tree.nodes.as_slice()[current as usize].skip;
        Some(current)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointer_tokens_unescape_as_rfc_6901_says() {
        let cases = [
            ("a", "a"),
            ("a~1b", "a/b"),
            ("m~0n", "m~n"),
            ("~01", "~1"),
            ("~~1", "~/"),
            ("~", "~"),
            ("~2", "~2"),
            ("é~1", "é/"),
        ];
        for (raw, want) in cases {
            assert_eq!(unescape_pointer_token(raw), want, "{raw:?}");
        }
    }

    #[test]
    fn pointers_under_huge_keys_are_cut_back_to_an_ancestor() {
        let huge = "k".repeat(Tree::MAX_POINTER * 2);
        let text = format!(r#"{{"a": {{"{huge}": {{"b": [1, 2]}}}}, "c": [10, 20]}}"#);
        let (tree, findings) = crate::json::parse(text.as_bytes(), &crate::json::Limits::default());
        assert!(findings.is_empty());
        let tree = tree.expect("parses");
        let a = tree.get(Tree::ROOT, "a").expect("a");
        let inner = tree.get(a, &huge).expect("huge");
        let b = tree.get(inner, "b").expect("b");
        let two = tree.elements(b).nth(1).expect("2");
        // The nearest ancestor whose pointer fits is `/a`.
        assert_eq!(tree.pointer(two), "/a");
        assert_eq!(tree.pointer(inner), "/a");
        let c = tree.get(Tree::ROOT, "c").expect("c");
        let twenty = tree.elements(c).nth(1).expect("20");
        assert_eq!(tree.pointer(twenty), "/c/1");
    }

    #[test]
    fn pointers_resolve_to_the_nodes_they_were_made_for() {
        let text = br#"{"a/b": {"m~n": [1, {"": 2}]}, "~1": 3}"#;
        let (tree, findings) = crate::json::parse(text, &crate::json::Limits::default());
        assert!(findings.is_empty());
        let tree = tree.expect("parses");
        for id in 0..tree.nodes.len() as NodeId {
            if tree.node(id).is_key {
                continue;
            }
            let pointer = tree.pointer(id);
            assert_eq!(tree.resolve_pointer(&pointer), Some(id), "{pointer:?}");
        }
    }
}
