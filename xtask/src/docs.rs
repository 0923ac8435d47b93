//! `cargo xtask docs`: writes the references generated from the server's
//! code (`gdc-server reference configuration|api`) to `docs/`. A test in
//! `server/tests/api/reference.rs` fails when the committed files differ
//! from what the code generates, and names this task.

use std::path::Path;

use anyhow::{Context, Result, bail};

use crate::util;

/// Each generated file, with the `gdc-server reference` argument that
/// prints it (the server's own list is `gdc_server::reference::GENERATED`).
const GENERATED: &[(&str, &str)] = &[("docs/configuration.md", "configuration"), ("docs/api.md", "api")];

pub fn run(root: &Path) -> Result<()> {
    for (file, of) in GENERATED {
        let mut cmd = util::cargo();
        cmd.current_dir(root).args(["run", "--quiet", "--package", "gdc-server", "--", "reference", of]);
        eprintln!("$ {}", util::describe(&cmd));
        let output = cmd.output().with_context(|| format!("cannot start {}", util::describe(&cmd)))?;
        if !output.status.success() {
            bail!("`{}` failed: {}", util::describe(&cmd), String::from_utf8_lossy(&output.stderr));
        }
        let text = String::from_utf8(output.stdout).context("the reference is not UTF-8")?;
        let path = root.join(file);
        if std::fs::read_to_string(&path).is_ok_and(|old| old == text) {
            eprintln!("{file}: up to date");
        } else {
            std::fs::write(&path, text).with_context(|| format!("cannot write {file}"))?;
            eprintln!("{file}: written");
        }
    }
    Ok(())
}
