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

/// What a first visit in inline mode fetches besides its language's texts:
/// no embed page, no boot script.
pub const INLINE_MODE: [&str; 4] = ["loader", "glue", "wasm", "css"];

/// What a first visit in iframe mode fetches: the loader, the embed page
/// (with its stylesheet and boot script in it), the glue and the Wasm; and
/// the texts of its visitor's language (`i18n-<lang>`). The configurator's
/// files are webmasters', not visitors'.
pub const IFRAME_MODE: [&str; 4] = ["loader", "embed", "glue", "wasm"];

/// What a first visit that does not use the form fetches, besides the
/// served form: the glue, the Wasm and the texts come when the visitor
/// shows they will use it.
pub const INLINE_MODE_UNUSED: [&str; 2] = ["loader", "css"];
pub const IFRAME_MODE_UNUSED: [&str; 2] = ["loader", "embed"];

pub fn print(files: &BTreeMap<String, Asset>) {
    let row = |name: &str, path: &str, (raw, gz, br): (usize, usize, usize)| {
        println!("{name:<8} {path:<58} {raw:>10} {gz:>10} {br:>10}");
    };
    println!("{:<8} {:<58} {:>10} {:>10} {:>10}", "asset", "path", "raw", "gzip", "brotli");
    for (name, a) in files {
        row(name, &a.path, (a.bytes, a.gzip, a.brotli));
    }
    let sum = |assets: &[&Asset]| {
        (
            assets.iter().map(|a| a.bytes).sum(),
            assets.iter().map(|a| a.gzip).sum(),
            assets.iter().map(|a| a.brotli).sum(),
        )
    };
    let code: Vec<&Asset> = IFRAME_MODE.iter().filter_map(|n| files.get(*n)).collect();
    let inline: Vec<&Asset> = INLINE_MODE.iter().filter_map(|n| files.get(*n)).collect();
    for (name, texts) in files.iter().filter(|(n, _)| n.starts_with("i18n-")) {
        let lang = name.trim_start_matches("i18n-");
        row("total", &format!("first visit in {lang} (iframe mode)"), sum(&[code.as_slice(), &[texts]].concat()));
        row("total", &format!("first visit in {lang} (inline mode)"), sum(&[inline.as_slice(), &[texts]].concat()));
    }
    let all: Vec<&Asset> = files.iter().filter(|(n, _)| n.starts_with("i18n-")).map(|(_, a)| a).collect();
    row("i18n", "every language's texts together, for comparison", sum(&all));
    if let Some(loader) = files.get("loader") {
        println!(
            "loader: {} bytes brotli of its {} budget ({} to spare)",
            loader.brotli,
            crate::assets::LOADER_BUDGET,
            crate::assets::LOADER_BUDGET.saturating_sub(loader.brotli)
        );
    }
}
