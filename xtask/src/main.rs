//! `cargo xtask <task>`: everything that is not plain cargo. The tasks and
//! what each does are listed once, in [`TASKS`]; the usage text is made
//! from it.

mod assets;
mod bench;
mod demo;
mod docs;
mod fuzz;
mod schemathesis;
mod size;
mod soak;
mod test;
mod tidy;
mod util;

use anyhow::{Result, bail};

/// Every task, with what it does.
const TASKS: &[(&str, &str)] = &[
    ("build", "build the widget into dist/ (release Wasm, wasm-opt, hashes, .br/.gz, manifest)"),
    ("demo", "build what is missing, then serve the demo at http://127.0.0.1:8080/ [--addr HOST:PORT] (env GDC_ADDR)"),
    ("test", "run every test: unit, integration, headless-Chromium browser tests, schemathesis"),
    ("size", "raw, gzip and brotli bytes of each widget asset and of a first visit"),
    ("bench", "[all|size|tti|intake|drain] measure and write BENCHMARKS.md"),
    ("screenshots", "pictures of each step of the form, in docs/screenshots/"),
    ("soak", "[--minutes N] crash cycles, outages, full spool, poisoned row; prints a summary"),
    ("fuzz", "[--seconds N] [submission|batch] run the cargo-fuzz targets in fuzz/ for N s each"),
    ("tidy", "check the project's own conventions (also run by `cargo test`)"),
    ("docs", "write docs/configuration.md and docs/api.md, generated from the server's code"),
];

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = util::project_root();
    std::env::set_current_dir(&root)?;
    let rest = args.get(1..).unwrap_or_default();
    match args.first().map(String::as_str) {
        Some("build") => assets::build(&root),
        Some("demo") => demo::run(&root, rest),
        Some("test") => test::run(&root, rest),
        Some("size") => size::run(&root),
        Some("bench") => bench::run(&root, rest),
        Some("screenshots") => bench::screenshots(&root),
        Some("soak") => soak::run(&root, rest),
        Some("fuzz") => fuzz::run(&root, rest),
        Some("tidy") => tidy::run(&root),
        Some("docs") => docs::run(&root),
        other => {
            let width = TASKS.iter().map(|(name, _)| name.len()).max().unwrap_or(0);
            let lines: Vec<String> = TASKS.iter().map(|(name, what)| format!("  {name:width$}  {what}")).collect();
            eprintln!("usage: cargo xtask <task>\n\ntasks:\n{}", lines.join("\n"));
            match other {
                Some(task) => bail!("no task {task:?}"),
                None => bail!("no task given"),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_task_is_listed_once() {
        let source = include_str!("main.rs");
        let arms = source.lines().filter(|l| l.trim_start().starts_with("Some(\"") && l.contains("=>")).count();
        assert_eq!(arms, super::TASKS.len(), "a task without a line in TASKS, or the other way round");
        for (name, _) in super::TASKS {
            assert!(source.contains(&format!("Some(\"{name}\") =>")), "{name} has no match arm");
        }
    }
}
