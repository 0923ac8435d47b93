//! `cargo xtask bench [all|size|tti|intake|drain|central]`: runs the
//! measurements (the `gdc-bench` binary of `bench/`, release builds) and
//! writes BENCHMARKS.md. `central` needs PostgreSQL on 127.0.0.1:5432
//! (user `postgres`, trust or a password in `PGPASSWORD`): it creates a
//! database of its own and drops it.
//!
//! Each measurement is kept in `target/bench/<name>.json` with its date and
//! command, so running one section rewrites that section and keeps the
//! others; a section with no record there (a fresh checkout) is kept as
//! BENCHMARKS.md has it, with its rows of the targets table. Everything
//! below the "Notes" heading of BENCHMARKS.md is written by hand and kept
//! as it is.
//!
//! It is long because it renders every section's table and its rows of
//! the targets table from the records, in one place.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};

use crate::util::{self, cargo};

const SECTIONS: &[&str] = &["size", "tti", "intake", "drain", "central"];
/// Each section's heading in BENCHMARKS.md and how its rows of the targets
/// table begin, to keep both when the section has no record.
const KEPT: &[(&str, &str, &[&str])] = &[
    ("size", "## Widget weight", &["| loader at most", "| first visit that uses the form"]),
    ("tti", "## Widget time to interactive", &["| time to interactive", "| transferred "]),
    ("intake", "## Durable intake", &["| intake ", "| companion peak RSS"]),
    ("drain", "## Forwarding", &["| drain rate"]),
    ("central", "## Central store on PostgreSQL", &["| central ingest"]),
];
const NOTES_HEADING: &str = "## Notes";
/// The chart `gdc-bench intake --svg` draws, as BENCHMARKS.md links it.
const INTAKE_CHART: &str = "docs/bench/intake-connections.svg";

pub fn run(root: &Path, args: &[String]) -> Result<()> {
    let which = args.first().map_or("all", String::as_str);
    let sections: Vec<&str> = match which {
        "all" => SECTIONS.to_vec(),
        s if SECTIONS.contains(&s) => vec![s],
        other => bail!("unknown benchmark {other:?}; one of all, {}", SECTIONS.join(", ")),
    };
    if crate::assets::needs_build(root) {
        crate::assets::build(root)?;
    }
    ensure_tools()?;
    build_binaries(true)?;
    let out_dir = root.join("target/bench");
    std::fs::create_dir_all(&out_dir)?;
    for section in sections {
        let (result, command) = measure(root, section, &out_dir)?;
        let record = json!({
            "date": today(),
            "command": format!("cargo xtask bench {section}"),
            "runs": command,
            "machine": machine(),
            "result": result,
        });
        std::fs::write(out_dir.join(format!("{section}.json")), serde_json::to_string_pretty(&record)?)?;
    }
    write_markdown(root, &out_dir)?;
    eprintln!("wrote {}", root.join("BENCHMARKS.md").display());
    Ok(())
}

fn measure(root: &Path, section: &str, out_dir: &Path) -> Result<(Value, String)> {
    if section == "size" {
        let manifest: Value = serde_json::from_str(&std::fs::read_to_string(root.join("dist/manifest.json"))?)?;
        return Ok((manifest["files"].clone(), "dist/manifest.json after cargo xtask build".into()));
    }
    let bench = root.join("target/release/gdc-bench");
    let mut cmd = Command::new(&bench);
    cmd.arg(section)
        .env("GDC_SERVER_BIN", root.join("target/release/gdc-server"))
        .env("GDC_DIST", root.join("dist"))
        .stderr(std::process::Stdio::null());
    if section == "intake" {
        // About eleven minutes, and about 11 GB in a temporary folder for
        // the ten-million-row outbox (removed at the end).
        cmd.args(["--connections", "64,256", "--seconds", "10", "--curve", "16,32,64,128,256,512,1024"])
            .args(["--curve-seconds", "5", "--bodies", "512,4096,32768", "--prefill", "10000000"])
            .args(["--prefill-pending", "1000000", "--profile"])
            .arg(out_dir.join("intake-perf.txt"))
            .arg("--svg")
            .arg(root.join(INTAKE_CHART))
            // Its progress, since the run is long.
            .stderr(std::process::Stdio::inherit());
    }
    if section == "central" {
        cmd.args(["--companions", "10", "--per-companion", "20000", "--profile"]).arg(out_dir.join("central-perf.txt"));
    }
    let described = util::describe(&cmd).replace(&format!("{}/", root.display()), "");
    eprintln!("$ {described}");
    let out = cmd.output().with_context(|| format!("cannot run {}", bench.display()))?;
    if !out.status.success() {
        bail!("{section} benchmark failed:\n{}", String::from_utf8_lossy(&out.stdout));
    }
    Ok((serde_json::from_slice(&out.stdout)?, described))
}

/// `cargo xtask screenshots`: each step of the form on a phone-sized
/// screen, written to `docs/screenshots/`.
pub fn screenshots(root: &Path) -> Result<()> {
    if crate::assets::needs_build(root) {
        crate::assets::build(root)?;
    }
    build_binaries(false)?;
    let out = root.join("docs/screenshots");
    util::run(
        Command::new(root.join("target/debug/gdc-bench"))
            .args(["screenshots", "--out"])
            .arg(&out)
            .env("GDC_SERVER_BIN", root.join("target/debug/gdc-server"))
            .env("GDC_DIST", root.join("dist")),
    )
}

/// The server and the measuring binary, in release builds for figures.
fn build_binaries(release: bool) -> Result<()> {
    let mut cmd = cargo();
    cmd.arg("build");
    if release {
        cmd.arg("--release");
    }
    util::run(cmd.args([
        "--package",
        "gdc-server",
        "--package",
        "gdc-bench",
        "--bin",
        "gdc-server",
        "--bin",
        "gdc-bench",
    ]))
}

fn ensure_tools() -> Result<()> {
    let missing: Vec<&str> = [("wrk", "wrk"), ("perf", "linux-perf"), ("curl", "curl")]
        .iter()
        .filter(|(bin, _)| !util::on_path(bin))
        .map(|(_, pkg)| *pkg)
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    if util::is_root() && util::on_path("apt-get") {
        return util::run(Command::new("apt-get").args(["install", "-y"]).args(&missing));
    }
    bail!("benchmarks need {}: install them with `sudo apt-get install -y {}`", missing.join(", "), missing.join(" "))
}

fn today() -> String {
    let out = Command::new("date").args(["-u", "+%Y-%m-%d %H:%M UTC"]).output();
    out.map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned()).unwrap_or_default()
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("model name")).map(|l| l.split(':').nth(1).unwrap_or("").trim().to_owned())
        })
        .unwrap_or_default();
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| s.lines().next().and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok()))
        .map_or(0, |kb| kb / 1024 / 1024);
    format!("{cores} cores ({cpu}), {mem} GiB RAM, shared")
}

fn load(out_dir: &Path, section: &str) -> Option<Value> {
    serde_json::from_str(&std::fs::read_to_string(out_dir.join(format!("{section}.json"))).ok()?).ok()
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or(f64::NAN)
}

fn verdict(ok: bool) -> &'static str {
    if ok { "met" } else { "**missed**" }
}

fn write_markdown(root: &Path, out_dir: &Path) -> Result<()> {
    let path: PathBuf = root.join("BENCHMARKS.md");
    let old = std::fs::read_to_string(&path).unwrap_or_default();
    let notes = old
        .find(NOTES_HEADING)
        .map(|i| old[i..].to_owned())
        .unwrap_or_else(|| format!("{NOTES_HEADING}\n\n(Written by hand: what the profiles show, what was tried.)\n"));
    let mut md = String::from(
        "# Benchmarks\n\nWritten by `cargo xtask bench` (all sections) or `cargo xtask bench <section>`. \
         This machine is shared and noisy: comparisons are ratios measured side by side in one run; \
         absolute figures hold only for the machine and date given.\n\n",
    );
    let mut targets = Vec::new();

    if let Some(r) = load(out_dir, "size") {
        md += &header("Widget weight", &r);
        md += "| asset | path | raw | gzip | brotli |\n|---|---|---:|---:|---:|\n";
        let files = r["result"].as_object().cloned().unwrap_or_default();
        let (mut raw, mut gz, mut br) = (0.0, 0.0, 0.0);
        let mut heaviest_texts: (f64, f64, f64, &str) = (0.0, 0.0, 0.0, "");
        for (name, a) in &files {
            md += &format!(
                "| {name} | `{}` | {} | {} | {} |\n",
                a["path"].as_str().unwrap_or(""),
                a["bytes"],
                a["gzip"],
                a["brotli"]
            );
            if !crate::size::IFRAME_MODE.contains(&name.as_str()) && !name.starts_with("i18n-") {
                continue;
            }
            if let Some(lang) = name.strip_prefix("i18n-") {
                if f(&a["brotli"]) > heaviest_texts.2 {
                    heaviest_texts = (f(&a["bytes"]), f(&a["gzip"]), f(&a["brotli"]), lang);
                }
                continue;
            }
            raw += f(&a["bytes"]);
            gz += f(&a["gzip"]);
            br += f(&a["brotli"]);
        }
        let (t_raw, t_gz, t_br, lang) = heaviest_texts;
        let (raw, gz, br) = (raw + t_raw, gz + t_gz, br + t_br);
        md += &format!(
            "| **first visit that uses the form** | iframe mode (loader, embed page with its stylesheet and boot script, glue, Wasm, texts in {lang}, the heaviest language) | {raw} | {gz} | {br} |\n"
        );
        let sum =
            |names: &[&str], key: &str| -> f64 { names.iter().filter_map(|n| files.get(*n)).map(|a| f(&a[key])).sum() };
        let inline = |key: &str| sum(&crate::size::INLINE_MODE, key);
        md += &format!(
            "| **first visit that uses the form** | inline mode (loader, glue, Wasm, CSS, texts in {lang}) | {} | {} | {} |\n",
            inline("bytes") + t_raw,
            inline("gzip") + t_gz,
            inline("brotli") + t_br
        );
        for (mode, names, what) in [
            ("iframe", &crate::size::IFRAME_MODE_UNUSED[..], "loader, embed page with its stylesheet and boot script"),
            ("inline", &crate::size::INLINE_MODE_UNUSED[..], "loader, CSS"),
        ] {
            md += &format!(
                "| **first visit that does not use the form** | {mode} mode ({what}; the served form besides, measured on the wire in the next section) | {} | {} | {} |\n",
                sum(names, "bytes"),
                sum(names, "gzip"),
                sum(names, "brotli")
            );
        }
        md += "\nBoth variants load these same files; a visitor fetches the texts of one language only, and the glue, \
               the Wasm and the texts only once they use the form (focus, a click, a key or input in it).\n\n";
        let loader = f(&files.get("loader").map_or(Value::Null, |a| a["brotli"].clone()));
        targets.push(format!(
            "| loader at most {} B brotli | {loader} B | {} |",
            crate::assets::LOADER_BUDGET,
            verdict(loader <= crate::assets::LOADER_BUDGET as f64)
        ));
        // The 100 KB target is measured on the wire, in `tti`: what a first
        // visit that does not use the form receives. This row says what one
        // that does receives.
        targets.push(format!(
            "| first visit that uses the form, brotli (no target: for comparison with the next sections' row) | {:.1} KB | |",
            br / 1024.0
        ));
    } else {
        keep(&old, "size", &mut md, &mut targets);
    }
    tti_section(out_dir, &old, &mut md, &mut targets);
    intake_section(out_dir, &old, &mut md, &mut targets);
    if let Some(r) = load(out_dir, "drain") {
        let t = &r["result"];
        md += &header("Forwarding", &r);
        md += &format!(
            "{} submissions queued through the API (wrk, 64 connections) while the central store was down, \
             then the central store started; time until the companion's outbox was empty.\n\n\
             | figure | value |\n|---|---:|\n| intake while queueing | {:.0} /s |\n| drain | {:.0} /s ({:.1} s) |\n\
             | rows in the central store afterwards | {} |\n| **drain / intake** | **{:.2}** |\n\n",
            t["queued"],
            f(&t["intake_rps_while_queueing"]),
            f(&t["drain_rps"]),
            f(&t["drain_seconds"]),
            t["central_rows"],
            f(&t["drain_over_intake"])
        );
        let ratio = f(&t["drain_over_intake"]);
        targets.push(format!("| drain rate at least 2x the intake rate | {ratio:.2}x | {} |", verdict(ratio >= 2.0)));
    } else {
        keep(&old, "drain", &mut md, &mut targets);
    }
    central_section(out_dir, &old, &mut md, &mut targets);
    let mut top = String::from("## Targets\n\n| target | measured | |\n|---|---:|---|\n");
    for t in &targets {
        top += t;
        top += "\n";
    }
    top += "\n";
    let (head, rest) = md.split_at(md.find("## ").unwrap_or(md.len()));
    std::fs::write(path, format!("{head}{top}{rest}{notes}"))?;
    Ok(())
}

/// A section with no record in `target/bench`: its text and its rows of
/// the targets table as BENCHMARKS.md has them.
fn keep(old: &str, section: &str, md: &mut String, targets: &mut Vec<String>) {
    let Some((_, heading, rows)) = KEPT.iter().find(|(name, ..)| *name == section) else { return };
    if let Some(start) = old.find(&format!("{heading}\n")) {
        let body = &old[start..];
        let end = body[heading.len()..].find("\n## ").map_or(body.len(), |i| i + heading.len() + 1);
        *md += &body[..end];
    }
    let table = old.find("## Targets").map_or("", |i| &old[i..]);
    let table = &table[..table.find(&format!("\n{NOTES_HEADING}")).unwrap_or(table.len())];
    let table = table.split("\n## ").next().unwrap_or("");
    targets.extend(table.lines().filter(|l| rows.iter().any(|r| l.starts_with(r))).map(str::to_owned));
}

/// `tti`: time until the form is usable on a first visit, the widget
/// against a plain HTML form in each arrangement, and the bytes it took.
fn tti_section(out_dir: &Path, old: &str, md: &mut String, targets: &mut Vec<String>) {
    let Some(r) = load(out_dir, "tti") else {
        return keep(old, "tti", md, targets);
    };
    let t = &r["result"];
    let rows = t["arrangements"].as_array().cloned().unwrap_or_default();
    let target = f(&t["target_ratio"]);
    let kb = |v: &Value| f(v) / 1024.0;
    *md += &header("Widget time to interactive", &r);
    *md += &format!(
        "Time from the host page's navigation start until a first-time visitor can use the form: its first topic \
         checkbox is in the page, has a box, and an animation frame showing it has been painted (the measuring script \
         asks for frames only once a mutation observer has seen the checkbox: frames asked for from the start made \
         the browser render the widget's page, which nothing holds, every 16 ms while its loader was on the way). \
         Each load is a fresh \
         {}; widget and plain form alternate, {} warm-up rounds discarded, then {} loads each on the normal \
         network and {} on the slow one ({:.0} kbit/s both ways, {:.0} ms round trip, Chromium's network emulation). Host \
         pages come from `http://localhost:PORT`, the loader and the plain form from `http://127.0.0.1:PORT`, another \
         site. Site isolation is off (`{}`): the cross-site frame shares the page's renderer, as in Chrome on Android \
         for most sites, since only then do the network emulation and the measuring script reach it. The widget is the \
         configurator's snippet with `data-loading=\"eager\"` (in inline mode `data-mode=\"inline\"`, and the \
         settings repeated in the loader's address, so that it brings the first screen); the plain form is the widget's \
         first screen as static HTML with its stylesheet, in an iframe sized as the loader sizes its own (iframe mode) \
         or in the host page's own HTML with the stylesheet linked from the companion (inline mode).\n\n\
         The page is then left alone for {} ms (a visitor reading it), the visitor clicks in the widget's blank \
         corner (`Input.dispatchMouseEvent`), and the time until the Wasm has taken the form over is measured from \
         that click: the widget fetches its Wasm only when the visitor uses the form.\n\n\
         | mode | network | widget usable | plain form usable | widget / plain | | Wasm took over, after the first click | usable from the served form |\n\
         |---|---|---:|---:|---:|---|---:|---:|\n",
        text(&t["fresh_per_load"]),
        t["warmup_rounds"],
        t["runs"],
        t["slow_runs"],
        f(&t["slow_network"]["kbit_s"]),
        f(&t["slow_network"]["latency_ms"]),
        t["browser_switches"].as_array().map_or(String::new(), |s| s.iter().map(text).collect::<Vec<_>>().join(" ")),
        t["reading_ms"],
    );
    let spread = |s: &Value| format!("{:.0} ms ({:.0}–{:.0})", f(&s["median_ms"]), f(&s["p10_ms"]), f(&s["p90_ms"]));
    // A ratio's 90% interval; none for rows recorded before it was.
    let interval = |v: &Value| match (v[0].as_f64(), v[1].as_f64()) {
        (Some(low), Some(high)) => format!(" ({low:.2}–{high:.2})"),
        _ => String::new(),
    };
    for row in &rows {
        let (w, p, ratio) = (&row["widget"], &row["plain"], f(&row["ratio"]));
        let interval = interval(&row["ratio_interval_90"]);
        *md += &format!(
            "| {} | {} | {} | {} | **{ratio:.2}**{interval} | {} | {:.0} ms | {}/{} |\n",
            text(&row["mode"]),
            text(&row["network"]),
            spread(&w["usable"]),
            spread(&p["usable"]),
            verdict(ratio <= target),
            f(&w["took_over"]["median_ms"]),
            w["usable_from_served_form"],
            row["loads"],
        );
        targets.push(format!(
            "| time to interactive at most {target}x the plain form, {} mode, {} network | {ratio:.2}x{interval} | {} |",
            text(&row["mode"]),
            text(&row["network"]),
            verdict(ratio <= target)
        ));
    }
    for row in &rows {
        let floor = &row["floor"];
        if floor.is_null() {
            continue;
        }
        *md += &format!(
            "| {} | {}, *the floor* | {} | {} | **{:.2}**{} | | | |\n",
            text(&row["mode"]),
            text(&row["network"]),
            spread(&floor["usable"]),
            spread(&row["plain"]["usable"]),
            f(&floor["ratio"]),
            interval(&floor["ratio_interval_90"]),
        );
    }
    *md += &format!(
        "\nMedians, p10–p90 in brackets; the ratio is of medians, against the target of at most {target}x, with a 90% \
         interval in brackets (percentile bootstrap: each contestant's loads drawn again with replacement, 4,000 \
         times): on this shared machine one run's ratio moves by about 0.1 from run to run, so the interval says how \
         far to trust it. \
         The floor row (inline mode, normal network, a third contestant in the same rounds): the same first screen \
         and stylesheet, from the same answer of the companion, put in a shadow root by the least an async script can \
         do (`floor.js`: no loader), its time where the widget's stands. What the \
         widget takes beyond the floor is the loader's; what the floor takes beyond the plain form, any form an async \
         script brings pays. \"Usable from the served form\": loads in which the first usable checkbox was the server-rendered form's \
         rather than the Wasm's.\n\n\
         Bytes transferred (headers and bodies, `encodedDataLength` from Chromium's network log, every response of \
         the page and its frames by then, one still arriving for the share of its body received), medians:\n\n\
         | mode | network | widget, before usable | widget, the form not used | widget, until the Wasm took over | plain form |\n\
         |---|---|---:|---:|---:|---:|\n"
    );
    for row in &rows {
        *md += &format!(
            "| {} | {} | {:.1} KB | {:.1} KB | {:.1} KB | {:.1} KB |\n",
            text(&row["mode"]),
            text(&row["network"]),
            kb(&row["widget"]["bytes_before_usable"]),
            kb(&row["widget"]["bytes_unused"]),
            kb(&row["widget"]["bytes_first_visit"]),
            kb(&row["plain"]["bytes_first_visit"]),
        );
    }
    *md += "\n\"The form not used\": everything received by the time of the first click, the page left alone since the \
            form was usable.\n\n\
            Where the widget's start goes, from its `gdc-*` performance marks (medians, ms since navigation start):\n\n";
    for row in &rows {
        let mut marks: Vec<(String, f64)> = row["widget"]["marks_ms"]
            .as_object()
            .map_or(Vec::new(), |m| m.iter().map(|(k, v)| (k.clone(), f(v))).collect());
        marks.sort_by(|a, b| a.1.total_cmp(&b.1));
        if !marks.is_empty() {
            let list: Vec<String> = marks.iter().map(|(k, v)| format!("{k} {v:.0}")).collect();
            *md += &format!("- {} mode, {} network: {}\n", text(&row["mode"]), text(&row["network"]), list.join(", "));
        }
    }
    *md += "\n";
    if let Some(failed) = t["failed_loads"].as_array().filter(|f| !f.is_empty()) {
        *md += &format!("{} loads failed and were run again:\n\n", failed.len());
        for e in failed {
            *md += &format!("- {}\n", text(e));
        }
        *md += "\n";
    }
    // The byte targets hold for the worse mode: before usable on the slow
    // network (where bytes decide), a first visit that does not use the
    // form anywhere.
    let worst = |network: Option<&str>, key: &str| {
        let rows = rows.iter().filter(|row| network.is_none_or(|n| row["network"] == n));
        rows.map(|row| kb(&row["widget"][key])).fold(f64::NAN, f64::max)
    };
    let before = worst(Some("slow"), "bytes_before_usable");
    let visit = worst(None, "bytes_unused");
    let (before_budget, visit_budget) = (kb(&t["budget_bytes_before_usable"]), kb(&t["budget_bytes_first_visit"]));
    targets.push(format!(
        "| transferred before usable at most {before_budget:.0} KB (slow network, worse mode) | {before:.1} KB | {} |",
        verdict(before <= before_budget)
    ));
    targets.push(format!(
        "| transferred on a first visit that does not use the form at most {visit_budget:.0} KB (worse mode) | {visit:.1} KB | {} |",
        verdict(visit <= visit_budget)
    ));
}

/// `intake`: durable intake against the no-op route of the same server,
/// at 64 and 256 connections (cores shared and separate), by connections
/// (a chart and a table), by body size, and with a ten-million-row outbox.
fn intake_section(out_dir: &Path, old: &str, md: &mut String, targets: &mut Vec<String>) {
    let Some(r) = load(out_dir, "intake") else {
        return keep(old, "intake", md, targets);
    };
    let t = &r["result"];
    *md += &header("Durable intake", &r);
    *md += &format!(
        "wrk against companions whose central store is away (so intake alone is measured, and what it takes in \
         stays queued), {} B submissions (valid v1, unique UUIDv7-shaped ids), {} s per run: the no-op route \
         (same stack, body read, no work), then `POST /v1/submissions` (validated, committed with \
         `synchronous=FULL` by the one writer's group commit, 202 after the commit). Each pair runs with the cores \
         **shared** (no pinning, wrk with 2 threads) and on **separate** cores (the server and all its threads on \
         CPU 1 with `taskset -a -cp 1`, wrk with 1 thread on CPU 0), so that a ratio does not depend on who wins \
         the two cores.\n\n\
         ### 64 and 256 connections\n\n\
         | connections | cores | route | requests/s | p50 | p99 | non-2xx | socket errors |\n\
         |---:|---|---|---:|---:|---:|---:|---:|\n",
        t["body_bytes"], t["seconds"]
    );
    let runs = t["runs"].as_array().cloned().unwrap_or_default();
    for run in &runs {
        for cores in ["shared", "separate"] {
            let pair = &run[cores];
            if pair.is_null() {
                continue;
            }
            for (name, key) in [("no-op", "noop"), ("intake", "intake")] {
                let s = &pair[key];
                *md += &format!(
                    "| {} | {cores} | {name} | {:.0} | {:.2} ms | {:.2} ms | {} | {} |\n",
                    run["connections"],
                    f(&s["rps"]),
                    f(&s["p50_ms"]),
                    f(&s["p99_ms"]),
                    s["non_2xx"],
                    s["socket_errors"]
                );
            }
            *md += &format!(
                "| {} | {cores} | **intake / no-op** | **{:.2}x** | | **{:.2}x** | | |\n",
                run["connections"],
                f(&pair["ratio_rps"]),
                f(&pair["ratio_p99"])
            );
        }
    }
    let rss = f(&t["peak_rss_mb"]);
    *md += &format!(
        "\nCompanion peak RSS (VmHWM of the companion used only for these runs): **{rss:.1} MB**; rows it stored: \
         {}.\n\n",
        t["rows_stored"]
    );
    for cores in ["shared", "separate"] {
        for run in &runs {
            let pair = &run[cores];
            if pair.is_null() {
                continue;
            }
            let (c, ratio, p99) = (&run["connections"], f(&pair["ratio_rps"]), f(&pair["ratio_p99"]));
            let on = if cores == "separate" { ", separate cores" } else { "" };
            targets.push(format!(
                "| intake at least 0.7x the no-op route at {c} connections{on} | {ratio:.2}x | {} |",
                verdict(ratio >= 0.7)
            ));
            targets.push(format!(
                "| intake p99 at most 1.5x the no-op route's at {c} connections{on} | {p99:.2}x ({:.1} ms against {:.1} ms) | {} |",
                f(&pair["intake"]["p99_ms"]),
                f(&pair["noop"]["p99_ms"]),
                verdict(p99 <= 1.5)
            ));
        }
    }
    targets.push(format!(
        "| companion peak RSS at most 32 MB (64 and 256 connections) | {rss:.1} MB | {} |",
        verdict(rss <= 32.0)
    ));

    if let Some(curve) = t["curve"].as_array().filter(|c| !c.is_empty()) {
        *md += &format!(
            "### By connections\n\n\
             The same pair from 16 to 1,024 connections on a second companion, {} s per run.\n\n\
             ![Requests/s of the no-op route and of intake against connections, cores shared and separate]({INTAKE_CHART})\n\n\
             | connections | cores | no-op requests/s | no-op p99 | intake requests/s | intake p99 | intake / no-op | non-2xx, socket errors |\n\
             |---:|---|---:|---:|---:|---:|---:|---:|\n",
            t["curve_seconds"]
        );
        for cores in ["shared", "separate"] {
            for run in curve {
                let pair = &run[cores];
                if pair.is_null() {
                    continue;
                }
                let (n, i) = (&pair["noop"], &pair["intake"]);
                let failed = |s: &Value| f(&s["non_2xx"]) + f(&s["socket_errors"]);
                *md += &format!(
                    "| {} | {cores} | {:.0} | {:.1} ms | {:.0} | {:.1} ms | **{:.2}x** | {} / {} |\n",
                    run["connections"],
                    f(&n["rps"]),
                    f(&n["p99_ms"]),
                    f(&i["rps"]),
                    f(&i["p99_ms"]),
                    f(&pair["ratio_rps"]),
                    failed(n),
                    failed(i)
                );
            }
        }
        *md += "\nThe last column: non-2xx answers plus socket errors (connect, read, write, timeout) of the no-op \
                run / of the intake run.\n\n";
    }

    if let Some(bodies) = t["bodies"].as_array().filter(|b| !b.is_empty()) {
        *md += &format!(
            "### By body size\n\n\
             Valid submissions of each size (the text shared among as few answers as hold it, at most 4,000 \
             characters each), {} connections, cores shared, a third companion.\n\n\
             | body | route | requests/s | MB/s | p99 | non-2xx |\n|---:|---|---:|---:|---:|---:|\n",
            bodies[0]["connections"]
        );
        for b in bodies {
            let size = format!("{:.1} KB", f(&b["body_bytes"]) / 1024.0);
            for (name, key) in [("no-op", "noop"), ("intake", "intake")] {
                let s = &b[key];
                *md += &format!(
                    "| {size} | {name} | {:.0} | {:.1} | {:.1} ms | {} |\n",
                    f(&s["rps"]),
                    f(&b[format!("{key}_mb_s").as_str()]),
                    f(&s["p99_ms"]),
                    s["non_2xx"]
                );
            }
            *md += &format!("| {size} | **intake / no-op** | **{:.2}x** | | | |\n", f(&b["ratio_rps"]));
        }
        *md += "\n";
    }

    let o = &t["outbox_size"];
    if !o.is_null() {
        let rows = thousands(f(&o["rows"]));
        *md += &format!(
            "### With {rows} rows in the outbox\n\n\
             A companion was started on an empty folder (so the server made its own schema) and stopped; {rows} \
             rows were then put in its `outbox.sqlite` ({} forwarded, the newest {} pending; {} B bodies; \
             {:.1} GB; {:.0} s), and it was started again ({:.1} s until it listened; it reported {} pending). \
             Intake on it against intake on a companion with an empty outbox, {} connections, cores shared, \
             alternated empty, full, full, empty:\n\n\
             | outbox | pending before the run | requests/s | p50 | p99 | non-2xx |\n|---|---:|---:|---:|---:|---:|\n",
            thousands(f(&o["forwarded"])),
            thousands(f(&o["pending"])),
            o["prefill_body_bytes"],
            f(&o["file_bytes"]) / 1e9,
            f(&o["prefill_seconds"]),
            f(&o["start_seconds"]),
            thousands(f(&o["pending_reported_at_start"])),
            o["connections"],
        );
        for round in o["rounds"].as_array().cloned().unwrap_or_default() {
            let s = &round["intake"];
            *md += &format!(
                "| {} | {} | {:.0} | {:.2} ms | {:.2} ms | {} |\n",
                if round["outbox"] == "full" { format!("{rows} rows") } else { "empty".to_owned() },
                thousands(f(&round["pending_before"])),
                f(&s["rps"]),
                f(&s["p50_ms"]),
                f(&s["p99_ms"]),
                s["non_2xx"]
            );
        }
        let ratio = f(&o["ratio_rps"]);
        *md += &format!("| **{rows} rows / empty** (means) | | **{ratio:.2}x** | | **{:.2}x** | |\n\n", {
            f(&o["full_p99_ms"]) / f(&o["empty_p99_ms"])
        });
        targets.push(format!(
            "| intake with {rows} rows in the outbox at least 0.9x intake on an empty one ({} connections) | {ratio:.2}x | {} |",
            o["connections"],
            verdict(ratio >= 0.9)
        ));
    }

    // What the servers logged beside the forwarder's expected retries.
    let mut logged = Vec::new();
    for (name, log) in [
        ("64 and 256 connections", &t["server_log"]["headline"]),
        ("by connections", &t["server_log"]["curve"]),
        ("by body size", &t["server_log"]["bodies"]),
        ("full outbox", &o["server_log"]["full"]),
        ("empty outbox", &o["server_log"]["empty"]),
    ] {
        if f(&log["warn_or_error_lines"]) > 0.0 {
            logged.push(format!("- {name}: {} lines, first: `{}`", log["warn_or_error_lines"], text(&log["first"][0])));
        }
    }
    if !logged.is_empty() {
        *md += &format!(
            "Warnings and errors the companions logged (besides the forwarder's retries):\n\n{}\n\n",
            logged.join("\n")
        );
    }

    if let Some(top) = t["profile"]["top"].as_array() {
        *md += "Intake profile (`perf record -F 499 -g` on the first companion under 256 connections, cores shared; \
                `perf report --no-children --sort dso,symbol`, top entries):\n\n```text\n";
        for line in top {
            *md += &format!("{}\n", line.as_str().unwrap_or(""));
        }
        *md += "```\n\n";
    }
}

/// `10000000` as `10,000,000`.
fn thousands(v: f64) -> String {
    let digits = format!("{v:.0}");
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 && ch.is_ascii_digit() {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

fn text(v: &Value) -> &str {
    v.as_str().unwrap_or("?")
}

/// `central`: companions forwarding into the central store on PostgreSQL,
/// against a plain `COPY` of the same rows.
fn central_section(out_dir: &Path, old: &str, md: &mut String, targets: &mut Vec<String>) {
    let Some(r) = load(out_dir, "central") else {
        return keep(old, "central", md, targets);
    };
    let t = &r["result"];
    *md += &header("Central store on PostgreSQL", &r);
    let (rows, copy, ratio) = (f(&t["rows_per_s"]), f(&t["copy"]["rows_per_s"]), f(&t["ratio_copy"]));
    *md += &format!(
        "{} companions (`gdc-server companion`, batches of {}, three in flight each) each took {} ~1 KB submissions \
         through `POST /v1/submissions` while the central store was away; a quarter of each companion's ids were also \
         sent to a neighbouring companion (a visitor's retry reaching another companion behind a load balancer), so \
         {} posted, {} distinct. Then `gdc-server central` started on a fresh PostgreSQL database: time from its start \
         until every distinct id was stored. In the same run and database, the ceiling: the same rows (same columns, \
         same bodies, read back) with one `COPY … FROM STDIN` into an unindexed table, timed to its commit.\n\n\
         | figure | value |\n|---|---:|\n\
         | filling the outboxes (ten companions at once) | {:.0} /s ({:.1} s) |\n\
         | central store: start to every distinct id stored | {:.2} s (listening after {:.2} s) |\n\
         | **central ingest, distinct rows stored** | **{rows:.0} /s** |\n\
         | central ingest, items received incl. duplicates | {:.0} /s ({:.0} items) |\n\
         | every companion's outbox confirmed empty | {:.2} s after the start |\n\
         | plain `COPY` of the same {} rows | {copy:.0} rows/s ({:.2} s, {:.0} MB) |\n\
         | **central / COPY** | **{ratio:.2}** |\n",
        t["companions"],
        t["batch_size"],
        t["per_companion"],
        t["posted"],
        t["distinct"],
        f(&t["fill_rps"]),
        f(&t["fill_seconds"]),
        f(&t["seconds"]),
        f(&t["central_start_seconds"]),
        f(&t["items_per_s"]),
        f(&t["items_received"]),
        f(&t["all_confirmed_seconds"]),
        t["copy"]["rows"],
        f(&t["copy"]["seconds"]),
        f(&t["copy"]["bytes"]) / 1e6,
    );
    let pinned = &t["pinned"];
    if pinned.is_object() {
        *md += &format!(
            "| the same run again, pinned (`taskset`): central store and its PostgreSQL connections on core(s) {}, \
             the companions on {}: distinct rows stored | {:.0} /s ({:.2} s) |\n\
             | pinned: plain `COPY` on the central store's core(s) | {:.0} rows/s |\n\
             | **pinned: central / COPY** | **{:.2}** |\n",
            text(&pinned["pinning"]["central_and_postgres"]),
            text(&pinned["pinning"]["companions"]),
            f(&pinned["rows_per_s"]),
            f(&pinned["seconds"]),
            f(&pinned["copy"]["rows_per_s"]),
            f(&pinned["ratio_copy"]),
        );
    }
    *md += "\n";
    let cpu = &t["cpu_seconds"];
    *md += &format!(
        "Where the time went, from the central store's start to the last id stored ({:.2} s on {:.0} CPU-seconds \
         available): CPU seconds of the central process {:.2}, of PostgreSQL (every `postgres` process) {:.2}, \
         of the ten companions {:.2} (`/proc/<pid>/stat`).\n\n\
         The central store's connections in `pg_stat_activity`, on average per sample ({} samples, every 50 ms):\n\n",
        f(&t["seconds"]),
        f(&cpu["available"]),
        f(&cpu["central"]),
        f(&cpu["postgres"]),
        f(&cpu["companions"]),
        t["pg_activity_samples"],
    );
    for (k, v) in t["pg_activity_per_sample"].as_object().cloned().unwrap_or_default() {
        *md += &format!("- {k}: {:.2}\n", f(&v));
    }
    *md += "\n";
    if let Some(top) = t["profile"]["top"].as_array() {
        *md += "Central store profile (`perf record -F 499 -g` on the central process during the drain; \
                `perf report --no-children --sort dso,symbol`, top entries):\n\n```text\n";
        for line in top {
            *md += &format!("{}\n", line.as_str().unwrap_or(""));
        }
        *md += "```\n\n";
    }
    let target = f(&t["target_rows_per_s"]);
    // The verdict is the shared run's: the stricter of the two.
    let pinned_figure = if pinned.is_object() {
        format!("; companions pinned apart: {:.0}/s ({:.2}x)", f(&pinned["rows_per_s"]), f(&pinned["ratio_copy"]))
    } else {
        String::new()
    };
    targets.push(format!(
        "| central ingest at least 50,000 submissions/s or 0.5x a plain COPY, whichever is lower ({target:.0}/s here) \
         | {rows:.0}/s ({ratio:.2}x COPY{pinned_figure}) | {} |",
        verdict(rows >= target)
    ));
}

fn header(title: &str, r: &Value) -> String {
    format!(
        "## {title}\n\nMeasured {} on {}, with `{}` (runs `{}`).\n\n",
        r["date"].as_str().unwrap_or("?"),
        r["machine"].as_str().unwrap_or("?"),
        r["command"].as_str().unwrap_or("?"),
        r["runs"].as_str().unwrap_or("?"),
    )
}
