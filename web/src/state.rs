//! The document state and its one pure reducer.
//!
//! Everything the page shows is derived from [`Document`]; every change is an [`Action`]. The
//! reducer calls the core (validation, composition, conversion) and never does I/O: services run
//! the network calls and report back with `…Finished(Result<…>)` actions. No action ever rewrites
//! what the user typed except the ones that are meant to (an edit through the table, a load, a
//! conversion, undo/redo); a failure is stored beside the text.

use crate::examples;
use crate::fragment::UrlState;
use crate::rows::{self, Row};
use indexsmith::compose::{self, ComposeError, Composed, Edit, Format};
use indexsmith::json::value::Value;
use indexsmith::json::write::Style;
use indexsmith::validate::validate_and_read;
use indexsmith::{Report, ValidateOptions};
use std::rc::Rc;
use yew::prelude::*;

mod fields;
mod results;
pub use fields::{Field, Fields};
pub use results::{
    ChildDetails, CopyEntry, CopyPlan, Inspected, Layer, NestedChild, PushPlanView, TagListing,
    TagRow,
};

/// Undo steps kept.
pub const UNDO_LIMIT: usize = 100;
/// Keystrokes merged into one undo step.
pub const TYPING_RUN: u32 = 20;

/// The status of something asynchronous.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum Remote<T> {
    #[default]
    Idle,
    Loading,
    Loaded(T),
    Failed(Failure),
}

impl<T> Remote<T> {
    pub fn is_loading(&self) -> bool {
        matches!(self, Remote::Loading)
    }
}

/// A failed operation, shown to the user: a stable code, a message, and the registry's own words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    pub code: String,
    pub message: String,
    /// What the registry (or the proxy) said, when it said something.
    pub detail: Option<String>,
    /// Whether trying again may succeed (network failures, 5xx, 429).
    pub retryable: bool,
}

impl Failure {
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        Failure {
            code: code.into(),
            message: message.into(),
            detail: None,
            retryable: false,
        }
    }

    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    pub fn retryable(mut self, retryable: bool) -> Self {
        self.retryable = retryable;
        self
    }

    /// What kind of failure this is, in words: the heading of its alert.
    pub fn class(&self) -> String {
        match self.code.as_str() {
            "CONNECTION_REFUSED" => "Connection refused".into(),
            "HOST_NOT_FOUND" => "Host not found (DNS)".into(),
            "TLS" => "TLS failure".into(),
            "CORS_BLOCKED" => "Blocked by the browser (CORS)".into(),
            "TIMEOUT" => "Timed out".into(),
            "NETWORK" => "Network failure".into(),
            "NOT_A_REGISTRY" => "Not a registry".into(),
            "DIGEST_MISMATCH" => "Digest mismatch".into(),
            code if code.contains('/') => "Invalid input".into(),
            _ => "Registry error".into(),
        }
    }
}

impl From<ComposeError> for Failure {
    fn from(e: ComposeError) -> Self {
        let mut message = e.to_string();
        if let ComposeError::NotAnIndex { diagnostics } = &e {
            if let Some(d) = diagnostics
                .iter()
                .find(|d| d.severity == indexsmith::Severity::Error)
            {
                message = format!(
                    "{message}: {} (line {}, column {})",
                    d.message, d.span.start.line, d.span.start.column
                );
            }
        }
        Failure::new(e.code(), message)
    }
}

/// Where the current document came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    Example(&'static str),
    File(String),
    Registry(String),
    Link,
    Draft,
    Typed,
    /// Made with "New index".
    New(Format),
}

impl Source {
    pub fn label(&self) -> String {
        match self {
            Source::Example(id) => examples::by_id(id)
                .map(|e| e.title.to_owned())
                .unwrap_or_else(|| (*id).to_owned()),
            Source::File(name) => format!("file {name}"),
            Source::Registry(reference) => reference.clone(),
            Source::Link => "shared link".into(),
            Source::Draft => "restored draft".into(),
            Source::Typed => "edited".into(),
            Source::New(Format::Oci) => "new OCI image index".into(),
            Source::New(Format::Docker) => "new Docker manifest list".into(),
        }
    }
}

/// The panels beside the editor.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Tab {
    #[default]
    Platforms,
    Resolve,
    Format,
    Diff,
    Output,
    Registry,
}

impl Tab {
    pub const ALL: [Tab; 6] = [
        Tab::Platforms,
        Tab::Resolve,
        Tab::Format,
        Tab::Diff,
        Tab::Output,
        Tab::Registry,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Tab::Platforms => "platforms",
            Tab::Resolve => "resolve",
            Tab::Format => "format",
            Tab::Diff => "diff",
            Tab::Output => "output",
            Tab::Registry => "registry",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Tab::Platforms => "Platforms",
            Tab::Resolve => "Resolve",
            Tab::Format => "Format",
            Tab::Diff => "Diff",
            Tab::Output => "Output",
            Tab::Registry => "Registry",
        }
    }

    pub fn parse(s: &str) -> Option<Tab> {
        Tab::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

/// The layout edits are written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum OutputStyle {
    /// Keep the layout the document has.
    #[default]
    Keep,
    Compact,
    /// `docker manifest push`'s three-space indent.
    Docker,
}

impl OutputStyle {
    pub fn as_str(self) -> &'static str {
        match self {
            OutputStyle::Keep => "keep",
            OutputStyle::Compact => "compact",
            OutputStyle::Docker => "docker",
        }
    }

    pub fn parse(s: &str) -> Option<OutputStyle> {
        [OutputStyle::Keep, OutputStyle::Compact, OutputStyle::Docker]
            .into_iter()
            .find(|o| o.as_str() == s)
    }

    pub fn style(self) -> Option<Style> {
        match self {
            OutputStyle::Keep => None,
            OutputStyle::Compact => Some(Style::Compact),
            OutputStyle::Docker => Some(Style::DOCKER),
        }
    }
}

/// View options: part of the shareable URL state.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct ViewOptions {
    pub tab: Tab,
    pub style: OutputStyle,
    /// Platform table filter.
    pub filter: String,
    /// The platform of the resolution preview, e.g. `linux/arm/v7`.
    pub platform: String,
}

/// Everything derived from the text by the core.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Analysis {
    pub report: Report,
    /// The parsed value when the text is JSON (even invalid as a manifest).
    pub value: Option<Value>,
    pub rows: Vec<Row>,
    /// The index format when the document is an index or list.
    pub format: Option<Format>,
}

impl Analysis {
    pub fn of(text: &str) -> Analysis {
        // One parse gives both the report and the value the table and panels read.
        let (report, value) = validate_and_read(text.as_bytes(), &ValidateOptions::default());
        let rows = value.as_ref().map(rows::rows).unwrap_or_default();
        let format = match report.kind {
            Some(indexsmith::Kind::OciIndex) => Some(Format::Oci),
            Some(indexsmith::Kind::DockerManifestList) => Some(Format::Docker),
            _ => None,
        };
        Analysis {
            report,
            value,
            rows,
            format,
        }
    }

    /// Index annotations, in order.
    pub fn annotations(&self) -> Vec<(String, String)> {
        rows::string_map(self.value.as_ref().and_then(|v| v.get("annotations")))
    }
}

/// A conversion computed but not yet applied: the user reads the loss report first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConvertPreview {
    pub to: Format,
    pub result: Result<Composed, Failure>,
}

/// A document fetched from a registry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fetched {
    pub reference: String,
    /// The repository of `reference`, written in full (`registry/name`).
    pub repository: String,
    pub text: String,
    /// The digest the registry named (`Docker-Content-Digest`), verified against the bytes.
    pub digest: String,
}

/// The outcome of a push.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pushed {
    pub reference: String,
    /// The digest the registry returned, and whether it equals the digest of the bytes sent.
    pub digest: String,
    pub verified: bool,
}

/// One child's fate in a push plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanStep {
    pub digest: String,
    /// `present`, `mount` or `copy`.
    pub action: String,
    pub detail: String,
}

/// The document and everything about the page that is not the DOM.
#[derive(Clone, Debug, PartialEq)]
pub struct Document {
    /// The text (shared: the state is cloned on every action, a progress event included).
    pub text: Rc<str>,
    pub analysis: Rc<Analysis>,
    /// The text the diff compares against: the document as loaded.
    pub original: Rc<str>,
    pub source: Source,
    /// Earlier texts, most recent last (shared, so cloning the state per action stays cheap).
    pub undo: Vec<Rc<str>>,
    pub redo: Vec<Rc<str>>,
    /// Keystrokes merged into the current undo step.
    pub typing_run: u32,
    pub options: ViewOptions,
    /// The last edit that could not be applied (the text is unchanged).
    pub edit_error: Option<Failure>,
    /// Notes of the last edit (loss report, warnings about the result).
    pub edit_notes: Vec<indexsmith::Diagnostic>,
    pub convert: Option<ConvertPreview>,
    /// A message about the page state (e.g. an undecodable link), shown once.
    pub notice: Option<String>,
    pub fetch: Remote<String>,
    pub compare: Remote<Fetched>,
    pub tags: Remote<TagListing>,
    pub child: Remote<Fetched>,
    pub plan: Remote<PushPlanView>,
    pub push: Remote<Pushed>,
    pub push_progress: Vec<String>,
    /// The panels' text fields.
    pub fields: Fields,
    /// The registry reference the document was fetched from (kept through edits).
    pub fetched_from: Option<Fetched>,
    /// The child whose details are open.
    pub inspected: Option<Inspected>,
    pub copy_plan: Remote<CopyPlan>,
    /// Digests of the source entries ticked for the copy (all, after a plan).
    pub copy_ticks: Vec<String>,
    pub copy: Remote<Pushed>,
    pub copy_progress: Vec<String>,
    /// The draft a shared link replaced at page load, until restored or dismissed.
    pub replaced_draft: Option<String>,
}

impl Default for Document {
    fn default() -> Self {
        Document::new(
            examples::DEFAULT.text.to_owned(),
            Source::Example(examples::DEFAULT.id),
        )
    }
}

impl Document {
    pub fn new(text: String, source: Source) -> Document {
        let text: Rc<str> = text.into();
        Document {
            analysis: Rc::new(Analysis::of(&text)),
            original: text.clone(),
            text,
            source,
            undo: Vec::new(),
            redo: Vec::new(),
            typing_run: 0,
            options: ViewOptions::default(),
            edit_error: None,
            edit_notes: Vec::new(),
            convert: None,
            notice: None,
            fetch: Remote::Idle,
            compare: Remote::Idle,
            tags: Remote::Idle,
            child: Remote::Idle,
            plan: Remote::Idle,
            push: Remote::Idle,
            push_progress: Vec::new(),
            fields: Fields::default(),
            fetched_from: None,
            inspected: None,
            copy_plan: Remote::Idle,
            copy_ticks: Vec::new(),
            copy: Remote::Idle,
            copy_progress: Vec::new(),
            replaced_draft: None,
        }
    }

    /// The state a link (or a stored draft) describes.
    pub fn from_url_state(state: &UrlState, source: Source) -> Document {
        let mut doc = match &state.text {
            Some(text) => Document::new(text.to_string(), source),
            None => match state.option("example").and_then(examples::by_id) {
                Some(e) => Document::new(e.text.to_owned(), Source::Example(e.id)),
                None => Document::default(),
            },
        };
        if let Some(tab) = state.option("tab").and_then(Tab::parse) {
            doc.options.tab = tab;
        }
        if let Some(style) = state.option("style").and_then(OutputStyle::parse) {
            doc.options.style = style;
        }
        doc.options.filter = state.option("filter").unwrap_or_default().to_owned();
        doc.options.platform = state.option("platform").unwrap_or_default().to_owned();
        doc
    }

    /// What a link must carry to reproduce this page: the text unless it is a built-in example
    /// (then just its id, or nothing for the default one), and the options that are not default.
    pub fn url_state(&self) -> UrlState {
        let mut state = UrlState::default();
        match examples::ALL.iter().find(|e| e.text == &*self.text) {
            Some(e) if e.id == examples::DEFAULT.id => {}
            Some(e) => state.options.push(("example".into(), e.id.into())),
            None => state.text = Some(self.text.clone()),
        }
        let o = &self.options;
        if o.tab != Tab::default() {
            state.options.push(("tab".into(), o.tab.as_str().into()));
        }
        if o.style != OutputStyle::default() {
            state
                .options
                .push(("style".into(), o.style.as_str().into()));
        }
        if !o.filter.is_empty() {
            state.options.push(("filter".into(), o.filter.clone()));
        }
        if !o.platform.is_empty() {
            state.options.push(("platform".into(), o.platform.clone()));
        }
        state
    }

    /// What the header calls the document: where it came from, marked when it has been edited
    /// since.
    pub fn title(&self) -> String {
        let label = self.source.label();
        if self.source != Source::Typed && self.text != self.original {
            format!("{label} (edited)")
        } else {
            label
        }
    }

    /// Whether the push plan was made for other bytes than the document's.
    pub fn plan_is_stale(&self) -> bool {
        matches!(&self.plan, Remote::Loaded(p) if p.digest != self.analysis.report.digest.to_string())
    }

    /// Whether "Confirm push" may run: a current plan, not pushed yet, nothing running.
    pub fn can_confirm_push(&self) -> bool {
        matches!(&self.plan, Remote::Loaded(_))
            && !self.plan_is_stale()
            && matches!(self.push, Remote::Idle | Remote::Failed(_))
    }

    /// Whether "Confirm copy" may run: a plan for the platforms ticked now, not copied yet.
    pub fn can_confirm_copy(&self) -> bool {
        match &self.copy_plan {
            Remote::Loaded(p) => {
                let mut ticked = self.copy_ticks.clone();
                let mut kept = p.kept.clone();
                ticked.sort();
                kept.sort();
                ticked == kept && matches!(self.copy, Remote::Idle | Remote::Failed(_))
            }
            _ => false,
        }
    }

    /// The repository children are looked up in: the one typed, else the one the document
    /// was fetched from, else the first push source.
    pub fn children_repository(&self) -> Option<String> {
        let typed = self.fields.inspect_from.trim();
        if !typed.is_empty() {
            return Some(typed.to_owned());
        }
        if let Some(f) = &self.fetched_from {
            return Some(f.repository.clone());
        }
        self.fields
            .sources
            .split(|c: char| c == ',' || c.is_whitespace())
            .find(|s| !s.is_empty())
            .map(str::to_owned)
    }

    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    /// Replaces the text as one undo step.
    fn replace_text(&mut self, text: String) {
        if *text == *self.text {
            return;
        }
        let old = std::mem::replace(&mut self.text, text.into());
        self.undo.push(old);
        if self.undo.len() > UNDO_LIMIT {
            self.undo.remove(0);
        }
        self.redo.clear();
        self.typing_run = 0;
        self.reanalyse();
    }

    fn reanalyse(&mut self) {
        self.analysis = Rc::new(Analysis::of(&self.text));
        self.edit_error = None;
        self.convert = None;
        // Details stay open while their row still holds the same child.
        if let Some(open) = &self.inspected {
            let same = self
                .analysis
                .rows
                .get(open.index)
                .is_some_and(|r| r.digest == open.digest);
            if !same {
                self.inspected = None;
            }
        }
    }

    /// Applies edits through the core; a failure is kept beside the unchanged text.
    fn apply(&mut self, edits: &[Edit], style: Option<Style>) {
        let style = style.or(self.options.style.style());
        match compose::edit_index(self.text.as_bytes(), edits, style) {
            Ok(composed) => {
                let notes = composed
                    .diagnostics
                    .iter()
                    .filter(|d| is_compose_note(d))
                    .cloned()
                    .collect();
                self.replace_text(composed.text());
                self.edit_notes = notes;
            }
            Err(e) => self.edit_error = Some(e.into()),
        }
    }
}

/// Diagnostics an operation reports about itself (loss report, notes), as opposed to the
/// validation of its result.
pub fn is_compose_note(d: &indexsmith::Diagnostic) -> bool {
    let code = d.code.as_str();
    code.starts_with("convert/") || code.starts_with("compose/")
}

/// Every change to the document.
#[derive(Clone, Debug)]
pub enum Action {
    /// The user typed: re-parse and re-validate.
    EditText(String),
    /// A new document (example, file, registry): it becomes the diff's baseline too.
    Load {
        text: String,
        source: Source,
    },
    /// A link was opened in this page (the fragment changed): its document and options.
    OpenLink(UrlState),
    /// An edit through the table or a form, applied by the core's `compose::edit_index`.
    Edit(Edit),
    /// Several edits as one undo step.
    EditMany(Vec<Edit>),
    /// Rewrites the document in a layout.
    Reformat(Style),
    /// Computes a conversion and its loss report, without applying it.
    PreviewConvert(Format),
    ConfirmConvert,
    CancelConvert,
    Undo,
    Redo,
    DismissError,
    DismissNotice,
    Notice(String),
    SetTab(Tab),
    SetStyle(OutputStyle),
    SetFilter(String),
    SetPlatform(String),
    /// Makes the current text the diff's baseline.
    SetBaseline,
    FetchStarted,
    DismissFetchError,
    FetchFinished(Result<Fetched, Failure>),
    CompareStarted,
    CompareFinished(Result<Fetched, Failure>),
    TagsStarted,
    TagsFinished(Result<TagListing, Failure>),
    ChildStarted,
    ChildFinished(Result<Fetched, Failure>),
    PlanStarted,
    PlanFinished(Result<PushPlanView, Failure>),
    PushStarted,
    PushProgress(String),
    PushFinished(Result<Pushed, Failure>),
    /// An empty index of a format, as one undoable step.
    NewIndex(Format),
    /// The image manifest in the editor becomes the one entry of a new OCI index.
    WrapInIndex,
    SetField(Field, String),
    InspectStarted {
        index: usize,
        digest: String,
    },
    InspectFinished {
        index: usize,
        digest: String,
        result: Result<ChildDetails, Failure>,
    },
    CloseInspect,
    CopyPlanStarted,
    CopyPlanFinished(Result<CopyPlan, Failure>),
    ToggleCopyEntry(String),
    CopyStarted,
    CopyProgress(String),
    CopyFinished(Result<Pushed, Failure>),
    /// Brings back the draft a shared link replaced.
    RestoreDraft,
    DismissDraft,
}

/// An empty index of `format`, written by the core.
pub fn empty_index(format: Format) -> String {
    compose::create_index(&compose::CreateRequest::new(format).style(Style::Indent(2)))
        .map(|c| c.text())
        .unwrap_or_default()
}

/// How many progress lines of a push or a copy the page keeps (the latest).
pub const PROGRESS_LINES: usize = 50;

/// Appends `line` to a progress log, keeping the latest [`PROGRESS_LINES`]: each event clones the
/// state, so a log that grew with the transfer made it quadratic in its events.
fn keep_latest(log: &mut Vec<String>, line: String) {
    if log.len() >= PROGRESS_LINES {
        log.remove(0);
    }
    log.push(line);
}

impl Reducible for Document {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut doc = (*self).clone();
        match action {
            Action::EditText(text) => {
                if *text == *doc.text {
                    return self;
                }
                if doc.typing_run > 0 && doc.typing_run < TYPING_RUN && !doc.undo.is_empty() {
                    // Same undo step as the previous keystrokes.
                    doc.text = text.into();
                    doc.redo.clear();
                    doc.typing_run += 1;
                    doc.reanalyse();
                } else {
                    doc.replace_text(text);
                    doc.typing_run = 1;
                }
                doc.source = Source::Typed;
                doc.edit_notes.clear();
            }
            Action::Load { text, source } => {
                doc.replace_text(text);
                doc.original = doc.text.clone();
                doc.source = source;
                doc.edit_notes.clear();
            }
            Action::OpenLink(state) => {
                let linked = Document::from_url_state(&state, Source::Link);
                doc.replace_text(linked.text.to_string());
                doc.original = doc.text.clone();
                doc.source = linked.source;
                doc.options = linked.options;
                doc.edit_notes.clear();
            }
            Action::Edit(edit) => doc.apply(&[edit], None),
            Action::EditMany(edits) => doc.apply(&edits, None),
            Action::Reformat(style) => doc.apply(&[], Some(style)),
            Action::PreviewConvert(to) => {
                let style = doc.options.style.style();
                let result =
                    compose::edit_index(doc.text.as_bytes(), &[Edit::Convert { to }], style)
                        .map_err(Failure::from);
                doc.convert = Some(ConvertPreview { to, result });
            }
            Action::ConfirmConvert => {
                if let Some(ConvertPreview {
                    result: Ok(composed),
                    ..
                }) = doc.convert.take()
                {
                    let notes = composed
                        .diagnostics
                        .iter()
                        .filter(|d| is_compose_note(d))
                        .cloned()
                        .collect();
                    doc.replace_text(composed.text());
                    doc.edit_notes = notes;
                }
            }
            Action::CancelConvert => doc.convert = None,
            Action::Undo => {
                let Some(previous) = doc.undo.pop() else {
                    return self;
                };
                let current = std::mem::replace(&mut doc.text, previous);
                doc.redo.push(current);
                doc.typing_run = 0;
                doc.reanalyse();
            }
            Action::Redo => {
                let Some(next) = doc.redo.pop() else {
                    return self;
                };
                let current = std::mem::replace(&mut doc.text, next);
                doc.undo.push(current);
                doc.typing_run = 0;
                doc.reanalyse();
            }
            Action::DismissError => doc.edit_error = None,
            Action::DismissNotice => doc.notice = None,
            Action::Notice(message) => doc.notice = Some(message),
            Action::SetTab(tab) => doc.options.tab = tab,
            Action::SetStyle(style) => doc.options.style = style,
            Action::SetFilter(filter) => doc.options.filter = filter,
            Action::SetPlatform(platform) => doc.options.platform = platform,
            Action::SetBaseline => doc.original = doc.text.clone(),
            Action::FetchStarted => doc.fetch = Remote::Loading,
            Action::DismissFetchError => doc.fetch = Remote::Idle,
            Action::FetchFinished(Ok(fetched)) => {
                doc.fetch = Remote::Loaded(fetched.reference.clone());
                doc.replace_text(fetched.text.clone());
                doc.original = doc.text.clone();
                doc.source = Source::Registry(fetched.reference.clone());
                doc.fields.set(Field::Reference, fetched.reference.clone());
                doc.fields.set(Field::CopySource, fetched.reference.clone());
                doc.fields.prefill(Field::Repository, &fetched.repository);
                doc.fields.add_source(&fetched.repository);
                doc.inspected = None;
                doc.fetched_from = Some(fetched);
            }
            Action::FetchFinished(Err(failure)) => doc.fetch = Remote::Failed(failure),
            Action::CompareStarted => doc.compare = Remote::Loading,
            Action::CompareFinished(result) => {
                doc.compare = result.map_or_else(Remote::Failed, Remote::Loaded)
            }
            Action::TagsStarted => doc.tags = Remote::Loading,
            Action::TagsFinished(result) => {
                doc.tags = result.map_or_else(Remote::Failed, Remote::Loaded)
            }
            Action::ChildStarted => doc.child = Remote::Loading,
            Action::ChildFinished(result) => {
                if let Ok(child) = &result {
                    doc.fields.add_source(&child.repository);
                }
                doc.child = result.map_or_else(Remote::Failed, Remote::Loaded)
            }
            Action::PlanStarted => {
                doc.plan = Remote::Loading;
                doc.push = Remote::Idle;
                doc.push_progress.clear();
            }
            Action::PlanFinished(result) => {
                doc.plan = result.map_or_else(Remote::Failed, Remote::Loaded)
            }
            Action::PushStarted => {
                doc.push = Remote::Loading;
                doc.push_progress.clear();
            }
            Action::PushProgress(line) => keep_latest(&mut doc.push_progress, line),
            Action::PushFinished(result) => {
                if let Ok(pushed) = &result {
                    doc.fields.prefill(Field::CopySource, &pushed.reference);
                }
                doc.push = result.map_or_else(Remote::Failed, Remote::Loaded)
            }
            Action::NewIndex(format) => {
                doc.replace_text(empty_index(format));
                doc.original = doc.text.clone();
                doc.source = Source::New(format);
                doc.fetched_from = None;
                doc.inspected = None;
                doc.edit_notes.clear();
            }
            Action::WrapInIndex => {
                let child = compose::Child::new(doc.text.as_bytes().to_vec());
                let request = compose::CreateRequest::new(Format::Oci)
                    .style(Style::Indent(2))
                    .child(child);
                match compose::create_index(&request) {
                    Ok(composed) => {
                        doc.replace_text(composed.text());
                        doc.source = Source::New(Format::Oci);
                        doc.inspected = None;
                        doc.edit_notes = composed
                            .diagnostics
                            .iter()
                            .filter(|d| is_compose_note(d))
                            .cloned()
                            .collect();
                    }
                    Err(e) => doc.edit_error = Some(e.into()),
                }
            }
            Action::SetField(field, value) => doc.fields.set(field, value),
            Action::InspectStarted { index, digest } => {
                doc.inspected = Some(Inspected {
                    index,
                    digest,
                    details: Remote::Loading,
                })
            }
            Action::InspectFinished {
                index,
                digest,
                result,
            } => {
                // Only the answer for the entry still open is shown.
                if let Some(open) = doc.inspected.as_mut() {
                    if open.index == index && open.digest == digest {
                        open.details = result.map_or_else(Remote::Failed, Remote::Loaded);
                    }
                }
            }
            Action::CloseInspect => doc.inspected = None,
            Action::CopyPlanStarted => {
                doc.copy_plan = Remote::Loading;
                doc.copy = Remote::Idle;
                doc.copy_progress.clear();
            }
            Action::CopyPlanFinished(result) => {
                if let Ok(plan) = &result {
                    doc.copy_ticks = plan.kept.clone();
                }
                doc.copy_plan = result.map_or_else(Remote::Failed, Remote::Loaded)
            }
            Action::ToggleCopyEntry(digest) => {
                match doc.copy_ticks.iter().position(|d| *d == digest) {
                    Some(i) => {
                        doc.copy_ticks.remove(i);
                    }
                    None => doc.copy_ticks.push(digest),
                }
            }
            Action::CopyStarted => {
                doc.copy = Remote::Loading;
                doc.copy_progress.clear();
            }
            Action::CopyProgress(line) => keep_latest(&mut doc.copy_progress, line),
            Action::CopyFinished(result) => {
                doc.copy = result.map_or_else(Remote::Failed, Remote::Loaded)
            }
            Action::RestoreDraft => {
                if let Some(draft) = doc.replaced_draft.take() {
                    doc.replace_text(draft);
                    doc.original = doc.text.clone();
                    doc.source = Source::Draft;
                }
            }
            Action::DismissDraft => doc.replaced_draft = None,
        }
        Rc::new(doc)
    }
}

/// The shared handle components read and dispatch through.
pub type DocumentContext = UseReducerHandle<Document>;

#[cfg(test)]
mod tests;
