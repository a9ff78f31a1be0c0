//! The differences between two indexes, entry by entry.

use indexsmith::compose;
use serde::Serialize;

/// What happened to one entry.
#[derive(Clone, Copy, Debug, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "lowercase")]
pub enum Change {
    Added,
    Removed,
    Changed,
    Unchanged,
}

/// One row of a diff, keyed on platform.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[cfg_attr(feature = "tsify", tsify(missing_as_null))]
#[serde(rename_all = "camelCase")]
pub struct EntryDiff {
    /// The key the entries were paired on: the platform (`linux/arm/v7`), `attestation of …`
    /// for attestation entries, or the digest when there is no platform.
    pub key: String,
    pub change: Change,
    /// For `changed`: the descriptor fields that differ.
    pub fields: Vec<String>,
    /// Position in the first index.
    pub a: Option<usize>,
    /// Position in the second index.
    pub b: Option<usize>,
    pub a_digest: Option<String>,
    pub b_digest: Option<String>,
}

/// The differences between two indexes.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct IndexDiff {
    /// Top-level members that differ.
    pub changed_fields: Vec<String>,
    pub entries: Vec<EntryDiff>,
}

impl From<compose::IndexDiff> for IndexDiff {
    fn from(d: compose::IndexDiff) -> IndexDiff {
        IndexDiff {
            changed_fields: d.changed_fields,
            entries: d
                .entries
                .into_iter()
                .map(|e| {
                    let (change, fields) = match e.change {
                        compose::EntryChange::Added => (Change::Added, Vec::new()),
                        compose::EntryChange::Removed => (Change::Removed, Vec::new()),
                        compose::EntryChange::Changed { fields } => (Change::Changed, fields),
                        compose::EntryChange::Unchanged => (Change::Unchanged, Vec::new()),
                    };
                    EntryDiff {
                        key: e.key,
                        change,
                        fields,
                        a: e.a,
                        b: e.b,
                        a_digest: e.a_digest,
                        b_digest: e.b_digest,
                    }
                })
                .collect(),
        }
    }
}
