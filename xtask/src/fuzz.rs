//! `cargo xtask fuzz [--seconds N] [target]`: runs the cargo-fuzz targets in
//! `fuzz/` (the parsers that read what clients send) for N seconds each, and
//! fails with the crashing input's path if libFuzzer finds one.
//!
//! cargo-fuzz passes nightly-only flags to rustc (`-Zsanitizer=address`, the
//! coverage passes). The project builds with stable only, so it runs with
//! `RUSTC_BOOTSTRAP=1`, which lets a stable compiler take them; the sanitizer
//! runtimes ship with the stable standard library.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};

use crate::util::{self, cargo};

/// Every target in `fuzz/fuzz_targets/`.
const TARGETS: &[&str] = &["submission", "batch"];

const DEFAULT_SECONDS: u64 = 60;

pub fn run(root: &Path, args: &[String]) -> Result<()> {
    let (seconds, targets) = parse_args(args)?;
    ensure_cargo_fuzz()?;
    let fuzz = root.join("fuzz");
    let mut crashes = Vec::new();
    let mut summaries = Vec::new();
    for target in targets {
        seed_corpus(root, target)?;
        let outcome = fuzz_one(&fuzz, target, seconds)?;
        let line = outcome.summary(target);
        eprintln!("{line}");
        summaries.push(line);
        if let Some(input) = outcome.crash {
            crashes.push(format!(
                "{target}: {input}\n    reproduce: (cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run {target} {input})",
                input = input.display()
            ));
        }
    }
    eprintln!("\nfuzz summary:");
    for line in &summaries {
        eprintln!("  {line}");
    }
    if !crashes.is_empty() {
        bail!("libFuzzer found a crash:\n  {}", crashes.join("\n  "));
    }
    Ok(())
}

fn parse_args(args: &[String]) -> Result<(u64, Vec<&'static str>)> {
    let mut seconds = DEFAULT_SECONDS;
    let mut targets = Vec::new();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let value = match arg.strip_prefix("--seconds") {
            Some("") => Some(args.next().context("--seconds needs a number")?.as_str()),
            Some(rest) => rest.strip_prefix('='),
            None => None,
        };
        if let Some(value) = value {
            seconds = value.parse().with_context(|| format!("--seconds: {value:?} is not a whole number"))?;
        } else if let Some(target) = TARGETS.iter().find(|t| **t == arg.as_str()) {
            targets.push(*target);
        } else {
            bail!("unknown argument {arg:?}; usage: cargo xtask fuzz [--seconds N] [{}]", TARGETS.join("|"));
        }
    }
    if seconds == 0 {
        bail!("--seconds must be at least 1");
    }
    if targets.is_empty() {
        targets = TARGETS.to_vec();
    }
    Ok((seconds, targets))
}

fn ensure_cargo_fuzz() -> Result<()> {
    let installed = cargo()
        .args(["fuzz", "--version"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !installed {
        util::run(cargo().args(["install", "cargo-fuzz", "--locked"]))?;
    }
    Ok(())
}

/// Starts an empty corpus from the spec example that `core/src/wire.rs`
/// tests, and a few variants of it, so that libFuzzer mutates submissions
/// that already pass deserialisation and the rules instead of searching for
/// JSON from nothing. A corpus that has grown is left as it is.
fn seed_corpus(root: &Path, target: &str) -> Result<()> {
    let dir = root.join("fuzz/corpus").join(target);
    if dir.read_dir().is_ok_and(|mut entries| entries.next().is_some()) {
        return Ok(());
    }
    std::fs::create_dir_all(&dir)?;
    let spec = spec_example(root)?;
    let mut individual = spec.clone();
    individual["submitter"] = json!({ "kind": "individual", "stakeholder": "youth", "country": "EG" });
    individual["lang"] = json!("ar");
    individual["answers"] =
        json!([{ "topic": "data", "principles": "الخصوصية أولاً" }, { "topic": "ai", "comments": "人工智能 😀" }]);
    individual["consent"] = json!({ "contact": true });
    individual["submitter"]["email"] = json!("a@example.org");
    let mut organization = spec.clone();
    organization["submitter"]["kind"] = json!("organization");
    organization["submitter"].as_object_mut().expect("submitter is an object").remove("event");
    let seeds: Vec<Value> = match target {
        "batch" => vec![
            json!({ "submissions": [spec, individual, organization] }),
            json!({ "submissions": [] }),
            json!({ "submissions": [{ "id": spec["id"] }, 1, "x", null] }),
        ],
        _ => vec![spec, individual, organization],
    };
    for (i, seed) in seeds.iter().enumerate() {
        std::fs::write(dir.join(format!("seed-{i}.json")), serde_json::to_vec_pretty(seed)?)?;
    }
    Ok(())
}

/// The JSON of `the_spec_example_round_trips` in `core/src/wire/submission.rs`: read
/// from the test, so the seed follows the contract when the example does.
fn spec_example(root: &Path) -> Result<Value> {
    let path = root.join("core/src/wire/submission.rs");
    let source = std::fs::read_to_string(&path)?;
    let example = source
        .split_once("fn the_spec_example_round_trips")
        .and_then(|(_, test)| test.split_once("r#\""))
        .and_then(|(_, rest)| rest.split_once("\"#"))
        .map(|(json, _)| json)
        .with_context(|| format!("no spec example in {}", path.display()))?;
    serde_json::from_str(example).with_context(|| format!("the spec example in {} is not JSON", path.display()))
}

struct Outcome {
    runs: Option<u64>,
    seconds: f64,
    crash: Option<PathBuf>,
}

impl Outcome {
    fn summary(&self, target: &str) -> String {
        let runs = self.runs.map_or("? runs".to_owned(), |n| format!("{n} runs"));
        let rate = self.runs.map(|n| format!(" ({:.0}/s)", n as f64 / self.seconds)).unwrap_or_default();
        let result = match &self.crash {
            Some(input) => format!("CRASH, input {}", input.display()),
            None => "no crash".to_owned(),
        };
        format!("fuzz {target}: {runs} in {:.0} s{rate}, {result}", self.seconds)
    }
}

fn fuzz_cmd(fuzz: &Path) -> Command {
    let mut cmd = cargo();
    cmd.current_dir(fuzz).env("RUSTC_BOOTSTRAP", "1").arg("fuzz");
    cmd
}

/// Builds the target (so the time limit is spent fuzzing), then runs it for
/// `seconds`, keeping libFuzzer's chatter in a log and reading the number of
/// runs and any crashing input from it.
fn fuzz_one(fuzz: &Path, target: &str, seconds: u64) -> Result<Outcome> {
    util::run(fuzz_cmd(fuzz).args(["build", target]))?;
    let log_path = fuzz.join("target").join(format!("{target}.log"));
    let log = std::fs::File::create(&log_path)?;
    let mut cmd = fuzz_cmd(fuzz);
    cmd.args(["run", target, "--"])
        .arg(format!("-max_total_time={seconds}"))
        .arg("-timeout=10")
        // Room for an answer over the 4,000-character limit and its envelope
        // (libFuzzer's default stops at 4 KiB).
        .arg("-max_len=16384")
        .arg("-print_final_stats=1")
        .arg(format!("-dict={}", fuzz.join("wire.dict").display()))
        .stdout(log.try_clone()?)
        .stderr(log);
    eprintln!("$ {}  (fuzzing {target} for {seconds} s, log in {})", util::describe(&cmd), log_path.display());
    let started = Instant::now();
    let status = cmd.status().with_context(|| format!("cannot start {}", util::describe(&cmd)))?;
    let elapsed = started.elapsed().as_secs_f64();
    let text = String::from_utf8_lossy(&std::fs::read(&log_path)?).into_owned();

    // `Done 123 runs in 60 second(s)`: the time spent fuzzing, without the
    // rebuild `cargo fuzz run` does when a source changed since the build.
    let done = text.lines().find_map(|l| {
        let mut words = l.strip_prefix("Done ")?.split_whitespace();
        let runs = words.next()?.parse::<u64>().ok()?;
        let seconds = words.nth(2)?.parse::<f64>().ok()?;
        Some((runs, seconds))
    });
    let runs = stat(&text, "stat::number_of_executed_units:").or(done.map(|(runs, _)| runs));
    let elapsed = done.map_or(elapsed, |(_, seconds)| seconds);
    let crash = text
        .lines()
        .find_map(|l| l.split_once("Test unit written to ").map(|(_, p)| p.trim()))
        .map(|p| if Path::new(p).is_absolute() { PathBuf::from(p) } else { fuzz.join(p) });
    if crash.is_some() {
        // The panic message and libFuzzer's report, not the thousands of
        // coverage lines before them.
        let report = text.lines().skip_while(|l| !l.contains("panicked") && !l.contains("ERROR"));
        eprintln!("{}", report.take(40).collect::<Vec<_>>().join("\n"));
    } else if !status.success() {
        let lines: Vec<&str> = text.lines().collect();
        eprintln!("{}", lines[lines.len().saturating_sub(20)..].join("\n"));
        bail!("fuzzing {target} exited with {status} without a crashing input; see {}", log_path.display());
    }
    Ok(Outcome { runs, seconds: elapsed, crash })
}

fn stat(log: &str, name: &str) -> Option<u64> {
    log.lines().find_map(|l| l.strip_prefix(name)?.trim().parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn seconds_and_targets_are_read_in_either_spelling() {
        assert_eq!(parse_args(&args(&[])).unwrap(), (DEFAULT_SECONDS, TARGETS.to_vec()));
        assert_eq!(parse_args(&args(&["--seconds", "5", "batch"])).unwrap(), (5, vec!["batch"]));
        assert_eq!(parse_args(&args(&["submission", "--seconds=7"])).unwrap(), (7, vec!["submission"]));
        assert!(parse_args(&args(&["--seconds"])).is_err());
        assert!(parse_args(&args(&["--seconds", "0"])).is_err());
        assert!(parse_args(&args(&["parser"])).is_err());
    }

    #[test]
    fn the_seed_is_the_spec_example_of_the_wire_tests() {
        let spec = spec_example(&util::project_root()).unwrap();
        assert_eq!(spec["consultation"], gdc_core_default_id());
        assert_eq!(spec["submitter"]["event"]["participants"], 40);
    }

    /// The spec example answers the default consultation; read from the
    /// core's source rather than named here (`cargo xtask tidy`).
    fn gdc_core_default_id() -> String {
        let core = std::fs::read_to_string(util::project_root().join("core/src/consultation.rs")).unwrap();
        let after = &core[core.find("Consultation {\n    id: \"").unwrap() + "Consultation {\n    id: \"".len()..];
        after[..after.find('"').unwrap()].to_owned()
    }
}
