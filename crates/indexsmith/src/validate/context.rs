//! The state of one validation pass: the tree, the findings so far, and typed field access that
//! records a located finding whenever a field has the wrong type.

use super::message::{Text, What};
use crate::diagnostic::{Code, Severity};
use crate::json::{NodeId, NodeKind, Tree};
use std::borrow::Cow;

/// A finding before it is located in lines and columns, its texts not yet written.
pub(crate) struct Finding {
    pub code: Code,
    pub severity: Severity,
    pub message: Text,
    pub help: Option<Text>,
    /// The node the finding is about: the pointer and span come from it.
    pub node: Option<NodeId>,
    /// An explicit byte range, when the finding is about text rather than a node.
    pub range: Option<(u32, u32)>,
}

pub(crate) struct Context<'t, 'a> {
    pub tree: &'t Tree<'a>,
    pub findings: Vec<Finding>,
    /// The last media type found valid: the entries of an index nearly always share theirs.
    valid_media_type: String,
    /// The last `os` and `architecture` found known: entries repeat them too.
    known_os: String,
    known_architecture: String,
}

impl<'t, 'a> Context<'t, 'a> {
    pub fn new(tree: &'t Tree<'a>) -> Self {
        Context {
            tree,
            findings: Vec::new(),
            valid_media_type: String::new(),
            known_os: String::new(),
            known_architecture: String::new(),
        }
    }

    /// True when `os` is a Go `GOOS` value, remembering the last one.
    pub fn is_known_os(&mut self, os: &str) -> bool {
        remembered(&mut self.known_os, os, crate::platform::is_known_os)
    }

    /// True when `architecture` is a Go `GOARCH` value, remembering the last one.
    pub fn is_known_architecture(&mut self, architecture: &str) -> bool {
        remembered(
            &mut self.known_architecture,
            architecture,
            crate::platform::is_known_architecture,
        )
    }

    /// True when `value` is a media type (RFC 6838 `type/subtype`), remembering the last one.
    pub fn is_valid_media_type(&mut self, value: &str) -> bool {
        remembered(
            &mut self.valid_media_type,
            value,
            crate::media_type::is_valid_media_type,
        )
    }

    /// Records a finding about `node` with the code's default severity.
    pub fn report(&mut self, code: Code, node: NodeId, message: impl Into<Text>) -> &mut Finding {
        self.findings.push(Finding {
            code,
            severity: code.default_severity(),
            message: message.into(),
            help: None,
            node: Some(node),
            range: None,
        });
        self.findings.last_mut().expect("just pushed")
    }

    /// The member `key` of `object`, if present.
    pub fn member(&self, object: NodeId, key: &str) -> Option<NodeId> {
        self.tree.get(object, key)
    }

    /// The member `key` when it is a string; a wrong type is recorded.
    pub fn string_member(
        &mut self,
        object: NodeId,
        key: &'static str,
    ) -> Option<(NodeId, Cow<'a, str>)> {
        let node = self.member(object, key)?;
        if self.expect_kind(node, NodeKind::String, key) {
            Some((node, self.tree.str(node)))
        } else {
            None
        }
    }

    /// A member already looked up, when it is a string; a wrong type is recorded.
    pub fn string_value(
        &mut self,
        node: Option<NodeId>,
        key: &'static str,
    ) -> Option<(NodeId, Cow<'a, str>)> {
        let node = node?;
        if self.expect_kind(node, NodeKind::String, key) {
            Some((node, self.tree.str(node)))
        } else {
            None
        }
    }

    /// Records `code` for a required member of `object` that `found` says is absent.
    pub fn required(
        &mut self,
        found: Option<NodeId>,
        object: NodeId,
        key: &'static str,
        code: Code,
        what: impl Into<What>,
    ) -> Option<NodeId> {
        if found.is_none() {
            let what = what.into();
            let f = self.report(code, object, Text::MissingMember { what, key });
            f.help = Some(Text::AddMember { key });
        }
        found
    }

    /// Records `schema/wrong-type` unless `node` is of `kind`.
    #[inline]
    pub fn expect_kind(&mut self, node: NodeId, kind: NodeKind, what: impl Into<What>) -> bool {
        if self.tree.kind(node) == kind {
            return true;
        }
        self.wrong_kind(node, kind, what.into());
        false
    }

    #[cold]
    fn wrong_kind(&mut self, node: NodeId, expected: NodeKind, what: What) {
        let actual = self.tree.kind(node);
        self.report(
            Code::SchemaWrongType,
            node,
            Text::WrongType {
                what,
                expected,
                actual,
            },
        );
    }

    /// Records `schema/missing-field` for a required member that is absent.
    pub fn require(
        &mut self,
        object: NodeId,
        key: &'static str,
        code: Code,
        what: impl Into<What>,
    ) -> Option<NodeId> {
        let found = self.member(object, key);
        self.required(found, object, key, code, what)
    }
}

/// `check(value)`, skipped when `value` is the last value that passed (kept in `last`).
fn remembered(last: &mut String, value: &str, check: impl Fn(&str) -> bool) -> bool {
    if !value.is_empty() && crate::text::same_bytes(value.as_bytes(), last.as_bytes()) {
        return true;
    }
    let passed = check(value);
    if passed {
        last.clear();
        last.push_str(value);
    }
    passed
}
