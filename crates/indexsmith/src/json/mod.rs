//! JSON text: a located parser and a deterministic writer.
//!
//! The parser makes one pass over the bytes and builds a flat tree of nodes that point back into
//! the text (no decoded value tree): validation reads strings in place and decodes only the few
//! that carry escapes. Every problem it finds is a located finding, never a panic: duplicate keys,
//! control characters, bad escapes, lone surrogates and invalid UTF-8 are recorded and parsing goes
//! on; a syntax error, too deep a nesting or too large an input stops it.

mod name;
mod parse;
mod tree;
pub mod value;
pub mod write;

pub use name::{Name, UNNAMED};
pub(crate) use parse::{is_deferred, parse_deferred, write_deferred_message};
pub use parse::{parse, Limits, ParseFinding};
pub(crate) use tree::NONE;
pub use tree::{Node, NodeId, NodeKind, Tree};
