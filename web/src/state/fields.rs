//! The text fields of the panels. They are part of the state, so a tab switch (which unmounts a
//! panel) keeps what was typed, and a fetch or a push can prefill them.

/// One text field of a panel.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    /// Header: the reference to fetch.
    Reference,
    /// Output: the push target.
    Target,
    /// Output: the repositories the children come from.
    Sources,
    /// Registry: the repository whose tags are listed.
    Repository,
    /// Diff: the index to compare with.
    Compare,
    /// Add an entry: the child to fetch and add.
    Child,
    /// Copy image: from where, to where.
    CopySource,
    CopyTarget,
    /// Platforms: the repository children are inspected in.
    InspectFrom,
}

/// The values of every [`Field`].
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Fields {
    pub reference: String,
    pub target: String,
    pub sources: String,
    pub repository: String,
    pub compare: String,
    pub child: String,
    pub copy_source: String,
    pub copy_target: String,
    pub inspect_from: String,
}

impl Fields {
    pub fn get(&self, field: Field) -> &str {
        match field {
            Field::Reference => &self.reference,
            Field::Target => &self.target,
            Field::Sources => &self.sources,
            Field::Repository => &self.repository,
            Field::Compare => &self.compare,
            Field::Child => &self.child,
            Field::CopySource => &self.copy_source,
            Field::CopyTarget => &self.copy_target,
            Field::InspectFrom => &self.inspect_from,
        }
    }

    pub fn set(&mut self, field: Field, value: String) {
        let slot = match field {
            Field::Reference => &mut self.reference,
            Field::Target => &mut self.target,
            Field::Sources => &mut self.sources,
            Field::Repository => &mut self.repository,
            Field::Compare => &mut self.compare,
            Field::Child => &mut self.child,
            Field::CopySource => &mut self.copy_source,
            Field::CopyTarget => &mut self.copy_target,
            Field::InspectFrom => &mut self.inspect_from,
        };
        *slot = value;
    }

    /// Sets a field only when it is empty (a prefill never overwrites what the user typed).
    pub fn prefill(&mut self, field: Field, value: &str) {
        if self.get(field).trim().is_empty() {
            self.set(field, value.to_owned());
        }
    }

    /// Adds a repository to the comma-separated `Sources` unless it is already listed.
    pub fn add_source(&mut self, repository: &str) {
        let listed = self
            .sources
            .split(|c: char| c == ',' || c.is_whitespace())
            .any(|s| s == repository);
        if listed || repository.is_empty() {
            return;
        }
        if self.sources.trim().is_empty() {
            self.sources = repository.to_owned();
        } else {
            self.sources = format!(
                "{}, {repository}",
                self.sources.trim_end_matches([',', ' '])
            );
        }
    }
}
