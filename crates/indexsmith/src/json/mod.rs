//! JSON text: a located parser and a deterministic writer.
//!
//! The parser makes one pass over the bytes and builds a flat tree of nodes that point back into
//! the text (no decoded value tree): validation reads strings in place and decodes only the few
//! that carry escapes. Every problem it finds is a located finding, never a panic: duplicate keys,
//! control characters, bad escapes, lone surrogates and invalid UTF-8 are recorded and parsing goes
//! on; a syntax error, too deep a nesting or too large an input stops it.
//!
//! The tree is internal: outside the crate a parsed text is a [`Document`] (where a pointer
//! leads, the owned [`Value`](value::Value)), and [`parse_value`] reads a text into a value.

mod document;
mod name;
mod parse;
mod tree;
pub mod value;
pub mod write;

pub use document::{parse_value, Document};
pub(crate) use name::Name;
pub(crate) use parse::parse;
pub(crate) use parse::{is_deferred, parse_deferred, write_deferred_message};
pub use parse::{Limits, ParseFinding};
pub(crate) use tree::{NodeId, NodeKind, Tree, NONE};
