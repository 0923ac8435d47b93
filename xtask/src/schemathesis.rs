//! Schemathesis against a running server: it reads the served OpenAPI
//! document, generates requests from it (valid and invalid), and checks each
//! answer against the document (status codes, content types, schemas) and
//! against common sense (no 5xx, invalid data refused, valid data taken).
//!
//! Schemathesis is a Python tool; it is installed, pinned, in its own venv
//! under `target/` so the machine's Python is left alone.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::util;

const VERSION: &str = "4.32.5";
/// Test cases per operation and phase: enough to find contract breaks, few
/// enough that a run stays around a minute on two cores.
const MAX_EXAMPLES: &str = "40";
/// A fixed seed, so that a failure seen once is seen again on the next run.
const SEED: &str = "20231";
/// Past this the run is stopped and counted as failed.
const DEADLINE: Duration = Duration::from_secs(180);

/// Installs Schemathesis if needed and runs every check against
/// `server_url`'s `/v1/openapi.json`; fails with the run's summary when any
/// check fails.
pub fn run(root: &Path, server_url: &str) -> Result<()> {
    let st = install(root)?;
    let server_url = server_url.trim_end_matches('/');
    let mut cmd = Command::new(&st);
    cmd.args(["run", &format!("{server_url}/v1/openapi.json")])
        .args(["--checks", "all"])
        .args(["--phases", "examples,coverage,fuzzing"])
        .args(["--max-examples", MAX_EXAMPLES])
        .args(["--seed", SEED])
        .args(["--workers", "1"])
        .args(["--request-timeout", "10"])
        .arg("--continue-on-failure")
        .arg("--no-color")
        .current_dir(root)
        .env("PYTHONUNBUFFERED", "1");
    let (success, output) = run_teed(&mut cmd, DEADLINE)?;
    let summary = summary_line(&output).unwrap_or_else(|| "no summary line in its output".to_owned());
    if !success {
        bail!("schemathesis found problems: {summary}");
    }
    eprintln!("schemathesis: {summary}");
    Ok(())
}

/// The closing line of a run, such as `5 failures, 2 warnings in 10.00s`
/// (Schemathesis frames it with `=`).
pub fn summary_line(output: &str) -> Option<String> {
    output
        .lines()
        .rev()
        .map(|l| l.trim().trim_matches('=').trim())
        .find(|l| !l.is_empty() && l.contains(" in ") && l.ends_with('s') && l.chars().any(|c| c.is_ascii_digit()))
        .map(str::to_owned)
}

/// The `schemathesis` program of `target/schemathesis-venv`, made and
/// filled from PyPI when it is missing or another version.
fn install(root: &Path) -> Result<std::path::PathBuf> {
    let venv = root.join("target/schemathesis-venv");
    let bin = venv.join("bin");
    let st = bin.join("schemathesis");
    let installed = Command::new(&st)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success() && String::from_utf8_lossy(&o.stdout).contains(VERSION));
    if installed {
        return Ok(st);
    }
    if !bin.join("python").exists() {
        util::run(Command::new("python3").args(["-m", "venv"]).arg(&venv))
            .context("python3 -m venv failed (Debian/Ubuntu: apt-get install python3-venv)")?;
    }
    util::run(
        Command::new(bin.join("python"))
            .args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check"])
            .arg(format!("schemathesis=={VERSION}")),
    )?;
    Ok(st)
}

/// Runs `cmd`, printing its output as it comes and keeping it; stops it at
/// `deadline`.
fn run_teed(cmd: &mut Command, deadline: Duration) -> Result<(bool, String)> {
    eprintln!("$ {}", util::describe(cmd));
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot start {}", util::describe(cmd)))?;
    let (tx, rx) = mpsc::channel::<String>();
    let readers: Vec<_> = [
        child.stdout.take().map(|s| Box::new(s) as Box<dyn Read + Send>),
        child.stderr.take().map(|s| Box::new(s) as Box<dyn Read + Send>),
    ]
    .into_iter()
    .flatten()
    .map(|stream| {
        let tx = tx.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                println!("{line}");
                let _ = tx.send(line);
            }
        })
    })
    .collect();
    drop(tx);
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if start.elapsed() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            bail!("schemathesis ran longer than {deadline:?} and was stopped");
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    for reader in readers {
        let _ = reader.join();
    }
    let output: Vec<String> = rx.into_iter().collect();
    Ok((status.success(), output.join("\n")))
}

#[cfg(test)]
mod tests {
    use super::summary_line;

    #[test]
    fn the_summary_is_the_closing_line_without_its_frame() {
        let output = "Seed: 1\n\n======================= 5 failures, 2 warnings in 10.00s =======================\n";
        assert_eq!(summary_line(output).as_deref(), Some("5 failures, 2 warnings in 10.00s"));
        assert_eq!(summary_line("nothing here"), None);
    }
}
