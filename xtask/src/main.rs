//! `cargo xtask <task>`: everything that is not plain cargo.
//!
//! - `build`: the widget's release Wasm, bindings, wasm-opt, hashed and
//!   precompressed assets, and a manifest with SRI hashes, into `dist/`.
//! - `demo`: build what is missing, then run companion and central store.
//! - `test`: every test, browser tests included, installing what it can.
//! - `size`: the bytes a first visit downloads.
//! - `bench`: measurements side by side, written to BENCHMARKS.md.
//! - `screenshots`: a picture of each step of the form, in `docs/screenshots/`.

mod assets;
mod bench;
mod demo;
mod fuzz;
mod schemathesis;
mod size;
mod soak;
mod test;
mod util;

use anyhow::{Result, bail};

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = util::project_root();
    std::env::set_current_dir(&root)?;
    match args.first().map(String::as_str) {
        Some("build") => assets::build(&root),
        Some("demo") => demo::run(&root, &args[1..]),
        Some("test") => test::run(&root, &args[1..]),
        Some("size") => size::run(&root),
        Some("bench") => bench::run(&root, &args[1..]),
        Some("screenshots") => bench::screenshots(&root),
        Some("soak") => soak::run(&root, &args[1..]),
        Some("fuzz") => fuzz::run(&root, &args[1..]),
        _ => {
            eprintln!(
                "usage: cargo xtask <task>\n\n\
                 tasks:\n  \
                 build   build the widget into dist/ (release Wasm, wasm-opt, hashes, .br/.gz, manifest)\n  \
                 demo    build what is missing, then serve the demo at http://127.0.0.1:8080/ \
                 [--addr HOST:PORT] (env GDC_ADDR)\n  \
                 test    run every test: unit, integration and headless-Chromium browser tests\n  \
                 size    raw, gzip and brotli bytes of each widget asset and of a first visit\n  \
                 bench   [all|size|tti|intake|drain] measure and write BENCHMARKS.md\n  \
                 screenshots  pictures of each step of the form, in docs/screenshots/\n  \
                 soak    [--minutes N] crash cycles, outages, full spool, poisoned row; prints a summary\n  \
                 fuzz    [--seconds N] [submission|batch] run the cargo-fuzz targets in fuzz/ for N s each"
            );
            bail!("no task given");
        }
    }
}
