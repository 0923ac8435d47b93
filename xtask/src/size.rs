//! `cargo xtask size`: what a visitor's first visit downloads.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result};

use crate::assets::Asset;

pub fn run(root: &Path) -> Result<()> {
    if crate::assets::needs_build(root) {
        crate::assets::build(root)?;
        return Ok(());
    }
    let text = std::fs::read_to_string(crate::assets::dist(root).join("manifest.json"))
        .context("no dist/manifest.json; run `cargo xtask build`")?;
    let manifest: serde_json::Value = serde_json::from_str(&text)?;
    let files: BTreeMap<String, Asset> = serde_json::from_value(manifest["files"].clone())?;
    print(&files);
    Ok(())
}

/// What a first visit in inline mode fetches: no embed page, no boot script.
pub const INLINE_MODE: [&str; 4] = ["loader", "glue", "wasm", "css"];

/// A first visit in iframe mode fetches every asset in the manifest once.
pub fn print(files: &BTreeMap<String, Asset>) {
    println!("{:<8} {:<52} {:>10} {:>10} {:>10}", "asset", "path", "raw", "gzip", "brotli");
    let (mut raw, mut gz, mut br) = (0, 0, 0);
    for (name, a) in files {
        println!("{:<8} {:<52} {:>10} {:>10} {:>10}", name, a.path, a.bytes, a.gzip, a.brotli);
        raw += a.bytes;
        gz += a.gzip;
        br += a.brotli;
    }
    println!("{:<8} {:<52} {:>10} {:>10} {:>10}", "total", "first visit (iframe mode)", raw, gz, br);
    let inline: Vec<&Asset> = INLINE_MODE.iter().filter_map(|n| files.get(*n)).collect();
    println!(
        "{:<8} {:<52} {:>10} {:>10} {:>10}",
        "total",
        "first visit (inline mode)",
        inline.iter().map(|a| a.bytes).sum::<usize>(),
        inline.iter().map(|a| a.gzip).sum::<usize>(),
        inline.iter().map(|a| a.brotli).sum::<usize>()
    );
    if let Some(loader) = files.get("loader") {
        println!(
            "loader: {} bytes brotli of its {} budget ({} to spare)",
            loader.brotli,
            crate::assets::LOADER_BUDGET,
            crate::assets::LOADER_BUDGET.saturating_sub(loader.brotli)
        );
    }
}
