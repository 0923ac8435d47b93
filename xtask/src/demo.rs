//! `cargo xtask demo`: builds the widget if it is missing or stale, then runs
//! companion and central store in one process on embedded SQLite under
//! `data/demo/`, serving the configurator at http://127.0.0.1:8080/ and the
//! demo partner page at /examples/.
//! `--addr HOST:PORT` or `GDC_ADDR` changes the address; other flags go to
//! `gdc-server demo` as they are.

use std::path::Path;

use anyhow::Result;

use crate::util::{self, cargo};

pub fn run(root: &Path, args: &[String]) -> Result<()> {
    if crate::assets::needs_build(root) {
        crate::assets::build(root)?;
    }
    util::run(cargo().args(["run", "--package", "gdc-server", "--bin", "gdc-server", "--", "demo"]).args(args))
}
