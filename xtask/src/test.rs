//! `cargo xtask test`: every test. Unit and integration tests of each crate,
//! then the end-to-end tests in `tests/`, which start the real server binary
//! and drive headless Chromium through chromedriver. Missing browser tools
//! are installed when possible (root on Debian), or the run stops with the
//! exact command to run: browser tests are never skipped.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Result, bail};

use crate::util::{self, cargo};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const APT_INSTALL: &str = "apt-get install -y chromium chromium-driver fonts-noto-core fonts-noto-cjk";
/// Chromium and its driver, and fonts for every script the widget speaks
/// (Arabic and Chinese are not in Debian's default fonts): without them the
/// screenshots show boxes and text measures differently.
const PACKAGES: &[&str] = &["chromium", "chromium-driver", "fonts-noto-core", "fonts-noto-cjk"];
/// A file of each font package, to tell whether they are installed.
const FONTS: &[&str] = &[
    "/usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
];

pub fn run(root: &Path, args: &[String]) -> Result<()> {
    let (chromium, chromedriver) = ensure_browser()?;
    if crate::assets::needs_build(root) {
        crate::assets::build(root)?;
    }
    // Bootstrap's CSS, a real framework's base styles for the embedding tests.
    crate::assets::ensure_npm_tools(root)?;
    // axe-core, which the accessibility tests inject into the widget: a
    // checkout whose node_modules predates it gets it from the lock file too.
    if !root.join("node_modules/axe-core/axe.min.js").exists() {
        util::run(Command::new("npm").args(["ci", "--no-audit", "--no-fund"]).current_dir(root))?;
    }
    // The end-to-end tests run the server binary as a real process.
    util::run(cargo().args(["build", "--package", "gdc-server", "--bin", "gdc-server"]))?;
    let server_bin = root.join("target/debug/gdc-server");
    util::run(
        cargo()
            .args(["test", "--workspace", "--no-fail-fast"])
            .args(args)
            .env("GDC_SERVER_BIN", &server_bin)
            .env("GDC_DIST", crate::assets::dist(root))
            .env("GDC_SITE_ROOT", root)
            .env("GDC_NODE_MODULES", root.join("node_modules"))
            .env("GDC_CHROMIUM", &chromium)
            .env("GDC_CHROMEDRIVER", &chromedriver),
    )?;
    // The API as a hostile client sees it: every operation of the OpenAPI
    // document, valid and invalid requests, every check, against the demo.
    schemathesis_against_the_demo(root, &server_bin)?;
    eprintln!("all tests passed, browser tests included ({} with {})", chromium.display(), chromedriver.display());
    Ok(())
}

/// Starts the demo on a free port with fresh data, runs schemathesis
/// against it, and stops it.
fn schemathesis_against_the_demo(root: &Path, server_bin: &Path) -> Result<()> {
    use std::io::{BufRead, BufReader};
    let data = root.join("target/schemathesis-data");
    let _ = std::fs::remove_dir_all(&data);
    let mut demo = Command::new(server_bin)
        .args(["demo", "--addr", "127.0.0.1:0", "--data-dir"])
        .arg(&data)
        .arg("--assets-dir")
        .arg(crate::assets::dist(root))
        .arg("--site-root")
        .arg(root)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()?;
    let stdout = demo.stdout.take().expect("piped");
    let mut lines = BufReader::new(stdout).lines().map_while(Result::ok);
    let url = lines.by_ref().find_map(|l| l.strip_prefix("gdc-server listening on ").map(str::to_owned));
    // Keep its output drained, so a later line never blocks it.
    std::thread::spawn(move || lines.for_each(drop));
    let result = match url {
        Some(url) => crate::schemathesis::run(root, &url),
        None => Err(anyhow::anyhow!("the demo server did not start")),
    };
    let _ = demo.kill();
    let _ = demo.wait();
    result
}

/// Finds Chromium and chromedriver, installing Debian's packages when we
/// are root and they are missing.
fn ensure_browser() -> Result<(PathBuf, PathBuf)> {
    let chromium = std::env::var_os("GDC_CHROMIUM").map_or_else(|| PathBuf::from(CHROMIUM), PathBuf::from);
    let driver = std::env::var_os("GDC_CHROMEDRIVER").map_or_else(|| PathBuf::from(CHROMEDRIVER), PathBuf::from);
    let fonts = || FONTS.iter().all(|f| Path::new(f).exists());
    if chromium.exists() && driver.exists() && fonts() {
        return Ok((chromium, driver));
    }
    if util::is_root() && util::on_path("apt-get") {
        eprintln!("Chromium, chromedriver or fonts missing: installing Debian's packages");
        let install = Command::new("apt-get")
            .args(["install", "-y"])
            .args(PACKAGES)
            .env("DEBIAN_FRONTEND", "noninteractive")
            .status();
        if !install.is_ok_and(|s| s.success()) {
            util::run(Command::new("apt-get").arg("update").env("DEBIAN_FRONTEND", "noninteractive"))?;
            util::run(
                Command::new("apt-get").args(["install", "-y"]).args(PACKAGES).env("DEBIAN_FRONTEND", "noninteractive"),
            )?;
        }
    }
    if chromium.exists() && driver.exists() {
        if !fonts() {
            eprintln!("warning: Arabic or Chinese fonts missing ({APT_INSTALL}): screenshots will show boxes");
        }
        return Ok((chromium, driver));
    }
    bail!(
        "browser tests need Chromium and chromedriver at {} and {}; install them with `sudo {APT_INSTALL}` \
         (or set GDC_CHROMIUM and GDC_CHROMEDRIVER), then rerun `cargo xtask test`",
        chromium.display(),
        driver.display()
    )
}
