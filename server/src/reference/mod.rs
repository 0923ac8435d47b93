//! The references in `docs/` that are generated from the code, so they
//! cannot drift from it: every configuration key from the configuration
//! types (`configuration.rs`), every operation of the HTTP API from the
//! OpenAPI document (`api.rs`). `gdc-server reference configuration|api`
//! prints them; `cargo xtask docs` writes them to `docs/`, and a test fails
//! when the committed files differ from what the code generates.

pub mod api;
pub mod configuration;
mod json;

pub use api::api_reference;
pub use configuration::configuration_reference;

/// A function that makes one generated file's text.
pub type Generator = fn() -> String;

/// The generated files, by their path from the repository's root, with the
/// function that generates each (`cargo xtask docs` keeps its own list of
/// the same files).
pub const GENERATED: &[(&str, Generator)] =
    &[("docs/configuration.md", configuration_reference), ("docs/api.md", api_reference)];

/// The command that writes the generated files, for the messages that say
/// one is stale.
pub const REGENERATE: &str = "cargo xtask docs";

/// Text made safe for one cell of a Markdown table: one line, and no `|`
/// that would end the cell.
pub(crate) fn cell(text: &str) -> String {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    one_line.replace('|', "\\|")
}

/// The comment at the top of a generated file.
pub(crate) fn generated_notice(source: &str) -> String {
    format!(
        "<!-- Generated from {source} by `{REGENERATE}`: do not edit by hand. \
         A test fails when this file and the code differ. -->\n"
    )
}
