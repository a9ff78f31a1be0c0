//! `indexsmith diff A B`: entry-by-entry differences of two indexes, paired on platform. Exit 0
//! when they are the same, 1 when they differ, 2 on trouble (as `diff(1)`).

use indexsmith::compose::{self, EntryChange};

use crate::error::{CliError, FAILED};
use crate::registry::RegistryArgs;
use crate::shapes::IndexDiff;
use crate::{document_source, input, output};

/// Compare two indexes entry by entry, paired on platform.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  indexsmith diff before.json after.json
  indexsmith diff --json before.json after.json
  indexsmith diff 127.0.0.1:5000/app:1.0 127.0.0.1:5000/app:1.1

Lines: `+` added, `-` removed, `~` changed (with the fields that differ), `=` unchanged.
Exit status: 0 the same, 1 different, 2 a usage or I/O problem.")]
pub struct Args {
    /// The first index: a file, `-` for standard input, or an image reference.
    pub a: String,
    /// The second index.
    pub b: String,
    /// Print the npm package's `diffIndexes` result.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub registry: RegistryArgs,
}

fn short(digest: &Option<String>) -> &str {
    digest.as_deref().unwrap_or("-")
}

pub fn text(diff: &compose::IndexDiff) -> String {
    let mut out = String::new();
    for field in &diff.changed_fields {
        out.push_str(&format!("~ {field}\n"));
    }
    for e in &diff.entries {
        let line = match &e.change {
            EntryChange::Added => format!("+ {} {}", e.key, short(&e.b_digest)),
            EntryChange::Removed => format!("- {} {}", e.key, short(&e.a_digest)),
            EntryChange::Changed { fields } => format!(
                "~ {} {} -> {} ({})",
                e.key,
                short(&e.a_digest),
                short(&e.b_digest),
                fields.join(", ")
            ),
            EntryChange::Unchanged => format!("= {} {}", e.key, short(&e.a_digest)),
        };
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// True when the diff found no difference.
pub fn is_same(diff: &compose::IndexDiff) -> bool {
    diff.changed_fields.is_empty()
        && diff
            .entries
            .iter()
            .all(|e| e.change == EntryChange::Unchanged)
}

pub fn run(args: &Args) -> Result<u8, CliError> {
    input::stdin_at_most_once([args.a.as_str(), args.b.as_str()])?;
    let a = document_source::load(&args.a, &args.registry)?;
    let b = document_source::load(&args.b, &args.registry)?;
    let diff = compose::diff_indexes(&a.bytes, &b.bytes).map_err(|e| CliError::compose(&e))?;
    if args.json {
        output::json(&IndexDiff::from(diff.clone()))?;
    } else {
        output::lines(&text(&diff))?;
    }
    Ok(if is_same(&diff) { 0 } else { FAILED })
}
