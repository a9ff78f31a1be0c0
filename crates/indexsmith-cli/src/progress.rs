//! Progress of a transfer on standard error: a bar redrawn in place when standard error is a
//! terminal, plain lines when it is not (CI logs), nothing with `--quiet`.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

use indexsmith_registry::ops::Event;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    Quiet,
    Lines,
    Bar,
}

/// Counts what a transfer did and shows it.
pub struct Progress {
    mode: Mode,
    manifests: usize,
    blobs_done: usize,
    bytes_sent: u64,
    bytes_total: u64,
    /// Bytes of each upload in flight: (digest, sent, total).
    uploads: Vec<(String, u64, u64)>,
    drawn: Option<Instant>,
    /// The next fraction of a large upload (in quarters) that gets a line.
    line_marks: Vec<(String, u64)>,
}

/// Blobs at least this large get progress lines (at each quarter) in line mode.
const LARGE: u64 = 32 * 1024 * 1024;
const REDRAW: Duration = Duration::from_millis(100);

fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

fn short(digest: &str) -> &str {
    let hex = digest.split_once(':').map_or(digest, |(_, h)| h);
    &hex[..hex.len().min(12)]
}

impl Progress {
    pub fn new(quiet: bool) -> Progress {
        let mode = if quiet {
            Mode::Quiet
        } else if std::io::stderr().is_terminal() {
            Mode::Bar
        } else {
            Mode::Lines
        };
        Progress {
            mode,
            manifests: 0,
            blobs_done: 0,
            bytes_sent: 0,
            bytes_total: 0,
            uploads: Vec::new(),
            drawn: None,
            line_marks: Vec::new(),
        }
    }

    fn line(&mut self, text: String) {
        match self.mode {
            Mode::Quiet => {}
            Mode::Lines => eprintln!("{text}"),
            Mode::Bar => {
                eprint!("\r\x1b[2K{text}\n");
                self.draw(true);
            }
        }
    }

    fn draw(&mut self, force: bool) {
        if self.mode != Mode::Bar {
            return;
        }
        if !force && self.drawn.is_some_and(|t| t.elapsed() < REDRAW) {
            return;
        }
        self.drawn = Some(Instant::now());
        let in_flight: u64 = self.uploads.iter().map(|u| u.1).sum();
        let total: u64 = self.bytes_total.max(1);
        let done = (self.bytes_sent + in_flight).min(total);
        let width = 30usize;
        let filled = (done as f64 / total as f64 * width as f64) as usize;
        let mut err = std::io::stderr().lock();
        let _ = write!(
            err,
            "\r\x1b[2K[{}{}] {} / {}  {} blobs, {} manifests",
            "#".repeat(filled),
            ".".repeat(width - filled),
            mib(done),
            mib(self.bytes_total),
            self.blobs_done,
            self.manifests
        );
        let _ = err.flush();
    }

    pub fn event(&mut self, event: &Event) {
        match event {
            Event::ManifestFetched { .. } => {}
            Event::ManifestPresent { digest } => {
                self.line(format!(
                    "manifest {} already there",
                    short(&digest.to_string())
                ));
            }
            Event::ManifestPushed { digest, tag } => {
                self.manifests += 1;
                let digest = digest.to_string();
                let text = match tag {
                    Some(tag) => format!("pushed manifest {} as {tag}", short(&digest)),
                    None => format!("pushed manifest {}", short(&digest)),
                };
                self.line(text);
            }
            Event::BlobPresent { digest, size } => {
                self.blobs_done += 1;
                self.line(format!(
                    "blob {} ({}) already there",
                    short(&digest.to_string()),
                    mib(*size)
                ));
            }
            Event::BlobMounted { digest, size, from } => {
                self.blobs_done += 1;
                self.line(format!(
                    "mounted blob {} ({}) from {from}",
                    short(&digest.to_string()),
                    mib(*size)
                ));
            }
            Event::BlobProgress {
                digest,
                sent,
                total,
            } => {
                let key = digest.to_string();
                match self.uploads.iter_mut().find(|u| u.0 == key) {
                    Some(u) => u.1 = *sent,
                    None => {
                        self.bytes_total += total;
                        self.uploads.push((key.clone(), *sent, *total));
                    }
                }
                if self.mode == Mode::Lines && *total >= LARGE {
                    self.quarter_line(&key, *sent, *total);
                }
                self.draw(false);
            }
            Event::BlobUploaded { digest, size } => {
                let key = digest.to_string();
                match self.uploads.iter().position(|u| u.0 == key) {
                    Some(i) => {
                        self.uploads.remove(i);
                    }
                    None => self.bytes_total += size,
                }
                self.bytes_sent += size;
                self.blobs_done += 1;
                self.line(format!("uploaded blob {} ({})", short(&key), mib(*size)));
            }
        }
    }

    /// In line mode, one line when a large upload passes each quarter.
    fn quarter_line(&mut self, digest: &str, sent: u64, total: u64) {
        let quarter = sent * 4 / total.max(1);
        let mark = match self.line_marks.iter_mut().find(|m| m.0 == digest) {
            Some(m) => m,
            None => {
                self.line_marks.push((digest.to_owned(), 1));
                self.line_marks.last_mut().expect("just pushed")
            }
        };
        if quarter >= mark.1 && quarter < 4 {
            mark.1 = quarter + 1;
            let text = format!(
                "uploading blob {}: {} of {}",
                short(digest),
                mib(sent),
                mib(total)
            );
            self.line(text);
        }
    }

    /// Clears the bar.
    pub fn finish(&mut self) {
        if self.mode == Mode::Bar && self.drawn.is_some() {
            eprint!("\r\x1b[2K");
        }
    }
}
