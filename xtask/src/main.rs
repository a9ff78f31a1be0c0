//! `cargo xtask <task>`: the project's tasks in one place — installing what is missing, the test
//! suites, the builds of the npm package and the web app, serving the app, benchmarks and fuzzing.
//! `scripts/test.sh` and `scripts/serve.sh` are thin wrappers around `test` and `serve`.

mod bench;
mod consumers;
mod e2e;
mod fuzz;
mod gate;
mod npm_package;
mod registry;
mod run;
mod setup;
mod suites;
mod system;
mod versions;
mod web;

use std::path::PathBuf;
use std::process::ExitCode;

use run::{Error, Result};

const HELP: &str = "\
usage: cargo xtask <task> [args]

  setup                  install what is missing (Debian packages, the wasm32 target, the pinned
                         wasm-bindgen-cli and trunk, the npm workspace); skips what is installed
  test [SUITE...]        run the test suites (all of them, in order, without SUITE); setup first
  test --list            list the suites
  serve [ARGS...]        build the app (release) and run indexsmith-serve with ARGS
  fmt                    format everything (rustfmt, the fuzz crate, Prettier)
  build-npm              build the npm package into crates/indexsmith-wasm/pkg/
  consumers [--no-build] [ARGS...]
                         the npm package's consumer matrix (bundlers, TypeScript, Node)
  build-web              build the app into dist/ and check its first-load size budget
  size [--check]         the npm package's .wasm size, raw and gzip -9 (--check: the budget)
  bench                  every benchmark; writes target/bench-report.md
  bench-registry         the npm package's registry budgets against docker-registry and skopeo
  bench-app              the web app's keystroke and paste budgets in Chromium; writes target/bench-app.md
  fuzz [SECONDS] [TARGET...]  cargo-fuzz on every target (default 180 s each)
  versions               the pinned tool versions and where each is written
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Err(e) = std::env::set_current_dir(root()) {
        eprintln!("xtask: cannot enter the repository root: {e}");
        return ExitCode::FAILURE;
    }
    let (task, rest) = match args.split_first() {
        Some((task, rest)) => (task.as_str(), rest),
        None => ("help", &[][..]),
    };
    match dispatch(task, rest) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask {task}: {e}");
            ExitCode::FAILURE
        }
    }
}

fn dispatch(task: &str, args: &[String]) -> Result {
    match task {
        "setup" => setup::run(),
        "test" if args.first().map(String::as_str) == Some("--list") => {
            suites::list();
            Ok(())
        }
        "test" => {
            setup::run()?;
            suites::run(args)
        }
        "serve" => {
            setup::run()?;
            web::build()?;
            run::section("build: indexsmith-serve (release)");
            run::cargo(&["build", "--release", "--locked", "-p", "indexsmith-serve"])?;
            run::exec(std::process::Command::new("target/release/indexsmith-serve").args(args))
        }
        "fmt" => gate::format(),
        "build-npm" => npm_package::build(),
        "build-web" => web::build(),
        "consumers" => consumers::run(args),
        "size" => npm_package::size_report(args.first().map(String::as_str) == Some("--check")),
        "bench" => bench::run(),
        "bench-registry" => bench::registry(),
        "bench-app" => bench::app(),
        "fuzz" => fuzz::run(args),
        "versions" => versions::print(),
        "help" | "--help" | "-h" => {
            print!("{HELP}");
            Ok(())
        }
        _ => Err(Error::new(format!("unknown task `{task}`\n\n{HELP}"))),
    }
}

/// The repository root: the parent of this crate's folder.
fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in a folder of the repository")
        .to_path_buf()
}
