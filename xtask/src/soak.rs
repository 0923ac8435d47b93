//! `cargo xtask soak [--minutes N]`: the long data-path run. Builds the
//! server (debug, as `cargo xtask test` does) and the `gdc-soak` driver,
//! then runs crash cycles of both processes under load, outages, a full
//! spool and a poisoned row, and prints the summary (rows lost, duplicates,
//! 5xx answers, the forwarder's idle CPU). Fails when a promise broke.

use std::path::Path;
use std::process::Command;

use anyhow::Result;

use crate::util::{self, cargo};

pub fn run(root: &Path, args: &[String]) -> Result<()> {
    util::run(cargo().args(["build", "--package", "gdc-server", "--bin", "gdc-server"]))?;
    util::run(cargo().args(["build", "--package", "gdc-e2e", "--bin", "gdc-soak"]))?;
    let server_bin =
        std::env::var_os("GDC_SERVER_BIN").map_or_else(|| root.join("target/debug/gdc-server"), Into::into);
    util::run(Command::new(root.join("target/debug/gdc-soak")).args(args).env("GDC_SERVER_BIN", server_bin))
}
