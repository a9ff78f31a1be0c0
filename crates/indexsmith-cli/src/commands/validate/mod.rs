//! `indexsmith validate FILE...`: the linter. Every file is validated; the findings are written to
//! standard output in the chosen format. Exit 0 when every file is valid, 1 when any has an error,
//! 2 when a file cannot be read (2 wins over 1).

mod github;
mod sarif;
mod text;

use clap::ValueEnum;
use indexsmith::{Report, ValidateOptions};

use crate::error::{CliError, FAILED, TROUBLE};
use crate::input;
use crate::output;
use crate::shapes::FileReport;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// `FILE:LINE:COL: severity [code] message (at /pointer)`
    Text,
    /// An array of the npm package's `Report` objects, each with `file`.
    Json,
    /// GitHub Actions workflow commands (`::error file=…,line=…::…`).
    Github,
    /// SARIF 2.1.0.
    Sarif,
}

/// Validate manifests, indexes and manifest lists, with located findings.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  indexsmith validate index.json
  indexsmith validate --format github dist/*.json
  indexsmith validate --format sarif index.json > indexsmith.sarif
  curl -s … | indexsmith validate -

Exit status: 0 every file is valid, 1 a file has an error, 2 a file cannot be read.")]
pub struct Args {
    /// Files to validate (`-` for standard input).
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<String>,

    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

/// A validated file.
pub struct Checked {
    pub name: String,
    pub report: Report,
}

pub fn run(args: &Args) -> Result<u8, CliError> {
    input::stdin_at_most_once(args.files.iter().map(String::as_str))?;
    let options = ValidateOptions::default();
    let mut checked = Vec::with_capacity(args.files.len());
    let mut trouble = false;
    for file in &args.files {
        match input::read(file) {
            Ok(doc) => {
                let report = indexsmith::validate(&doc.bytes, &options);
                checked.push(Checked {
                    name: doc.name,
                    report,
                });
            }
            Err(error) => {
                error.print();
                trouble = true;
            }
        }
    }
    match args.format {
        Format::Text => output::lines(&text::render(&checked))?,
        Format::Json => {
            let reports: Vec<FileReport> = checked
                .iter()
                .map(|c| FileReport::new(&c.name, &c.report))
                .collect();
            output::json(&reports)?;
        }
        Format::Github => output::lines(&github::render(&checked))?,
        Format::Sarif => output::json(&sarif::render(&checked))?,
    }
    if args.format == Format::Text {
        eprintln!("{}", text::summary(&checked));
    }
    Ok(if trouble {
        TROUBLE
    } else if checked.iter().any(|c| !c.report.valid) {
        FAILED
    } else {
        0
    })
}
