//! `cargo xtask tidy`, and the same checks as a test that `cargo test` runs:
//! the project's own conventions, which no compiler checks.
//!
//! - every Rust source file opens with a `//!` comment saying what it is for;
//! - a source file over 400 lines says at its top why it is that long;
//! - every path ARCHITECTURE.md names exists;
//! - the loader's attribute keys, the embedding guide's table and the
//!   README's table name the same attributes;
//! - no source outside `core/` names a consultation: another consultation is
//!   another definition in `gdc-core`, not a change all over the tree.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::{Result, bail};

/// Folders whose Rust sources are checked.
const SOURCE_DIRS: &[&str] = &["core/src", "server/src", "widget/src", "xtask/src", "tests/src", "fuzz/fuzz_targets"];
/// Folders whose sources must not name a consultation (tests and fixtures
/// send wire JSON, which names one by design).
const NO_CONSULTATION_DIRS: &[&str] = &["server/src", "widget/src", "widget/js", "xtask/src"];
/// The consultation ids and constant names `gdc-core` defines.
const CONSULTATION_NAMES: &[&str] = &[concat!("gdc-", "2023"), concat!("GDC_", "2023")];
/// Lines past which a file must say why it is long.
const LONG_FILE: usize = 400;
/// Attributes the loader reads besides its `KEYS` and `PROPS` lists.
const LOADER_OWN: &[&str] = &["mode", "title", "loading", "enhance"];
/// Keys the widget reads that the embed page or the loader set, never a
/// webmaster.
const WIDGET_OWN: &[&str] = &["api", "allowed", "token"];

pub fn run(root: &Path) -> Result<()> {
    let problems = problems(root);
    if problems.is_empty() {
        eprintln!("tidy: ok");
        Ok(())
    } else {
        bail!("tidy found {} problem(s):\n  {}", problems.len(), problems.join("\n  "))
    }
}

/// Every problem found, one line each.
pub fn problems(root: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    for file in rust_sources(root) {
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        let name = relative(root, &file);
        if !text.trim_start().starts_with("//!") {
            problems.push(format!("{name}: no opening `//!` comment saying what the file is for"));
        }
        let lines = text.lines().count();
        let header: String = text.lines().take_while(|l| l.starts_with("//!")).collect::<Vec<_>>().join(" ");
        if lines > LONG_FILE && !mentions_length(&header) {
            problems.push(format!("{name}: {lines} lines, and its `//!` header does not say why it is that long"));
        }
    }
    problems.extend(missing_architecture_paths(root));
    problems.extend(attribute_lists_differ(root));
    problems.extend(consultations_named_outside_core(root));
    problems
}

/// Whether a file's header explains its length (it says "long" or "lines").
fn mentions_length(header: &str) -> bool {
    let lower = header.to_lowercase();
    lower.contains("long") || lower.contains("lines")
}

fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root).unwrap_or(path).display().to_string()
}

fn walk(dir: &Path, ext: &[&str], out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n == "target" || n == "node_modules") {
                continue;
            }
            walk(&path, ext, out);
        } else if path.extension().and_then(|e| e.to_str()).is_some_and(|e| ext.contains(&e)) {
            out.push(path);
        }
    }
}

fn rust_sources(root: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in SOURCE_DIRS.iter().chain(&["server/tests", "core/tests", "tests/tests"]) {
        walk(&root.join(dir), &["rs"], &mut files);
    }
    files.sort();
    files
}

/// Backticked paths in ARCHITECTURE.md that start at a top-level folder of
/// the repository (`server/src/…`, `docs/…`) and do not exist.
fn missing_architecture_paths(root: &Path) -> Vec<String> {
    let Ok(text) = std::fs::read_to_string(root.join("ARCHITECTURE.md")) else {
        return vec!["ARCHITECTURE.md is missing".to_owned()];
    };
    let tops = ["core/", "server/", "widget/", "xtask/", "tests/", "docs/", "examples/", "fuzz/", ".ci/"];
    text.split('`')
        .skip(1)
        .step_by(2)
        .map(|t| t.trim_end_matches(['.', ',', ':']))
        .filter(|t| tops.iter().any(|p| t.starts_with(p)) && !t.contains(' ') && !t.contains('*'))
        .map(|t| t.split(['{', '(']).next().unwrap_or(t).trim_end_matches('/'))
        .filter(|t| !root.join(t).exists())
        .map(|t| format!("ARCHITECTURE.md names `{t}`, which does not exist"))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// The strings of an array literal `const NAME = [...]` (JavaScript) or
/// `const NAME: [&str; N] = [...]` (Rust) in `text`.
fn js_array(text: &str, name: &str) -> Vec<String> {
    let Some(start) = text.find(&format!("const {name} = [")).or_else(|| text.find(&format!("const {name}: ["))) else {
        return Vec::new();
    };
    let rest = &text[start..];
    let rest = &rest[rest.find('=').map_or(0, |i| i + 1)..];
    let body = &rest[rest.find('[').map_or(0, |i| i + 1)..rest.find(']').unwrap_or(rest.len())];
    body.split(',').map(|s| s.trim().trim_matches('"').to_owned()).filter(|s| !s.is_empty()).collect()
}

/// The backticked names in the first column of a Markdown table whose
/// header's first cell is `header`.
fn table_attributes(text: &str, header: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let mut inside = false;
    for line in text.lines() {
        let first = line.split('|').nth(1).unwrap_or("").trim();
        if line.starts_with('|') && first.starts_with(header) {
            inside = true;
            continue;
        }
        if !line.starts_with('|') {
            inside = false;
        }
        if inside {
            names.extend(first.split('`').skip(1).step_by(2).map(str::to_owned));
        }
    }
    names
}

fn attribute_lists_differ(root: &Path) -> Vec<String> {
    let read = |p: &str| std::fs::read_to_string(root.join(p)).unwrap_or_default();
    let loader = read("widget/js/loader.js");
    let mut from_loader: BTreeSet<String> = js_array(&loader, "KEYS").into_iter().collect();
    from_loader.extend(js_array(&loader, "PROPS"));
    from_loader.extend(LOADER_OWN.iter().map(|s| (*s).to_owned()));
    let mut problems = Vec::new();
    if from_loader.len() <= LOADER_OWN.len() {
        problems.push("widget/js/loader.js: no KEYS/PROPS attribute lists found".to_owned());
    }
    let widget: BTreeSet<String> = js_array(&read("widget/src/lib.rs"), "KEYS").into_iter().collect();
    let loader_keys: BTreeSet<String> = js_array(&loader, "KEYS").into_iter().collect();
    let widget_public: BTreeSet<String> =
        widget.iter().filter(|k| !WIDGET_OWN.contains(&k.as_str())).cloned().collect();
    if widget_public != loader_keys {
        problems.push(format!(
            "widget/src/lib.rs KEYS {widget_public:?} (besides {WIDGET_OWN:?}) differ from the loader's KEYS {loader_keys:?}"
        ));
    }
    for (file, header) in [("docs/embedding.md", "attribute"), ("README.md", "attribute")] {
        let documented = table_attributes(&read(file), header);
        if documented != from_loader {
            let missing: Vec<_> = from_loader.difference(&documented).collect();
            let extra: Vec<_> = documented.difference(&from_loader).collect();
            problems.push(format!(
                "{file}: its attribute table differs from the loader's (not documented: {missing:?}; not read: {extra:?})"
            ));
        }
    }
    problems
}

fn consultations_named_outside_core(root: &Path) -> Vec<String> {
    let mut files = Vec::new();
    for dir in NO_CONSULTATION_DIRS {
        walk(&root.join(dir), &["rs", "js"], &mut files);
    }
    let mut problems = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        for (n, line) in text.lines().enumerate() {
            if let Some(name) = CONSULTATION_NAMES.iter().find(|c| line.contains(*c)) {
                problems.push(format!(
                    "{}:{}: names the consultation `{name}`: take it from gdc-core",
                    relative(root, &file),
                    n + 1
                ));
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tree_keeps_its_own_conventions() {
        let problems = problems(&crate::util::project_root());
        assert!(problems.is_empty(), "cargo xtask tidy:\n  {}", problems.join("\n  "));
    }

    #[test]
    fn a_table_and_an_array_are_read_as_written() {
        let md = "| attribute | meaning |\n|---|---|\n| `site` | x |\n| `accent`, `bg` | y |\n\nafter\n| `nope` | z |";
        assert_eq!(table_attributes(md, "attribute"), ["accent", "bg", "site"].map(String::from).into());
        assert_eq!(js_array("const KEYS = [\"a\", \"b\"];", "KEYS"), ["a", "b"]);
        assert_eq!(js_array("const KEYS: [&str; 2] = [\"a\", \"b\"];", "KEYS"), ["a", "b"]);
    }
}
