//! The test suites, in the order `cargo xtask test` runs them: the fast checks first, so that a
//! formatting slip fails in seconds. To add a suite, add a row to SUITES.

use crate::run::{self, Error, Result};
use crate::{e2e, gate, npm_package, web};

pub struct Suite {
    pub name: &'static str,
    pub about: &'static str,
    pub run: fn() -> Result,
}

pub const SUITES: &[Suite] = &[
    Suite {
        name: "fmt",
        about: "formatting: rustfmt (workspace and fuzz crate) and Prettier, checked",
        run: gate::check_format,
    },
    Suite {
        name: "clippy",
        about: "clippy -D warnings: the workspace with all features, and the wasm crates for wasm32",
        run: gate::clippy,
    },
    Suite {
        name: "cargo",
        about: "cargo test --workspace --all-features (the wasm crate's registry API included)",
        run: cargo_tests,
    },
    Suite {
        name: "boundary",
        about: "the core depends on no browser, network or runtime crate",
        run: gate::core_boundary,
    },
    Suite {
        name: "npm",
        about: "the npm package: build, declarations, tsc, Node and Chromium tests, registry, the registry behaviour suite (Node, Chromium, CLI), npm pack, wasm-bindgen-test, size",
        run: npm_package::test,
    },
    Suite {
        name: "web",
        about: "the web app: release build and first-load size budget",
        run: web::build,
    },
    Suite {
        name: "e2e",
        about: "the served app in headless Chromium, with the proxy and local registries",
        run: e2e::test,
    },
];

fn cargo_tests() -> Result {
    run::cargo(&["test", "--workspace", "--all-features", "--locked"])
}

pub fn list() {
    for suite in SUITES {
        println!("{:<10} {}", suite.name, suite.about);
    }
}

/// Runs the named suites (every suite when `names` is empty), stopping at the first failure.
pub fn run(names: &[String]) -> Result {
    let selected: Vec<&Suite> = if names.is_empty() {
        SUITES.iter().collect()
    } else {
        names
            .iter()
            .map(|name| {
                SUITES.iter().find(|s| s.name == name).ok_or_else(|| {
                    let known: Vec<&str> = SUITES.iter().map(|s| s.name).collect();
                    Error::new(format!("no suite `{name}` (suites: {})", known.join(", ")))
                })
            })
            .collect::<Result<_>>()?
    };
    for suite in &selected {
        run::section(&format!("suite {}: {}", suite.name, suite.about));
        (suite.run)().map_err(|e| Error::new(format!("suite {} failed: {e}", suite.name)))?;
    }
    let names: Vec<&str> = selected.iter().map(|s| s.name).collect();
    println!("all suites passed: {}", names.join(", "));
    Ok(())
}
