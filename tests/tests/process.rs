//! The server binary as operators run it: signals and exit codes.

use std::time::Duration;

use gdc_e2e::DemoServer;

#[test]
fn sigterm_stops_the_server_cleanly_within_the_grace_period() -> anyhow::Result<()> {
    let mut server = DemoServer::start()?;
    let status = server.terminate(Duration::from_secs(15))?;
    assert!(status.success(), "exit status {status}");
    Ok(())
}

#[test]
fn check_config_names_each_problem_in_one_line_and_fails() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("bad.toml");
    std::fs::write(
        &path,
        "[companion]\nenabled = true\ntoken = \"\"\n[[sites]]\nkey = \"Bad Key\"\norigins = [\"https://ok.example\"]\n",
    )?;
    let out = std::process::Command::new(gdc_e2e::server_bin())
        .args(["check-config", "--config"])
        .arg(&path)
        .env_remove("RUST_BACKTRACE")
        .env_remove("RUST_LIB_BACKTRACE")
        .output()?;
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr)?;
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    assert!(stderr.contains("companion.token is empty") && stderr.contains("site key \"Bad Key\""), "{stderr}");

    // The sample is complete, but its secrets are placeholders to replace.
    let sample = gdc_e2e::repo_root().join("server/gdc-server.sample.toml");
    let refused =
        std::process::Command::new(gdc_e2e::server_bin()).args(["check-config", "--config"]).arg(&sample).output()?;
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8(refused.stderr)?.contains("companion.token is the sample's placeholder"));
    let ok = std::process::Command::new(gdc_e2e::server_bin())
        .args(["check-config", "--config"])
        .arg(&sample)
        .env("GDC_COMPANION__TOKEN", "x8QvN2mK5pL9wR3tY7bC1dF4")
        .env("GDC_CENTRAL__ADMIN_TOKEN", "h6JkM1nB8vC3xZ5aS9dF2gH7")
        .output()?;
    let stderr = String::from_utf8_lossy(&ok.stderr);
    // The companions' table cannot be set from the environment: only it remains.
    assert!(!stderr.contains("companion.token is") && stderr.contains("central.companions[main].token"), "{stderr}");
    Ok(())
}

/// `gdc-server central` and `gdc-server companion` from one configuration
/// file that enables both roles: each process serves its own role only, and
/// a contribution goes from the companion to the central store.
#[test]
fn the_companion_and_central_commands_each_run_one_role_from_the_same_file() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let central_port = gdc_e2e::free_port()?;
    let config = dir.path().join("gdc.toml");
    std::fs::write(
        &config,
        format!(
            "addr = \"127.0.0.1:0\"
[companion]
enabled = true
token = \"k3Jd9LmQ2vX8pR5tW1zN7bY4\"
central_url = \"http://127.0.0.1:{central_port}\"
batch_delay = 5
[central]
enabled = true
admin_token = \"a9Fh2Kd8Lq3Zx7Wm1Pv5Rt6Y\"
[[central.companions]]
name = \"edge-1\"
token = \"k3Jd9LmQ2vX8pR5tW1zN7bY4\"
[abuse]
token_secret = \"s7Gh3Jk9Lm2Np5Qr8Tv1Wx4Z\"
require_token = false
min_submit_time = 0
[[sites]]
key = \"demo\"
origins = [\"http://localhost:*\"]
"
        ),
    )?;
    let bin = gdc_e2e::server_bin();
    let args = |role: &str, data: &str, addr: String| -> Vec<std::ffi::OsString> {
        vec![
            role.into(),
            "--config".into(),
            config.clone().into(),
            "--data-dir".into(),
            dir.path().join(data).into(),
            "--addr".into(),
            addr.into(),
        ]
    };
    let central = gdc_e2e::ServerProcess::spawn(
        &bin,
        &args("central", "central", format!("127.0.0.1:{central_port}")),
        dir.path().join("central"),
    )?;
    let companion = gdc_e2e::ServerProcess::spawn(
        &bin,
        &args("companion", "companion", "127.0.0.1:0".into()),
        dir.path().join("companion"),
    )?;
    let status = |url: String, method: &str| post_json(&url, method, "{}");
    // Each serves its role: the other's routes are not there.
    assert_eq!(
        status(format!("{}/v1/submissions", central.url), "POST")?,
        404,
        "the central store takes no submissions"
    );
    assert_eq!(status(format!("{}/v1/batches", companion.url), "POST")?, 404, "a companion takes no batches");
    assert_eq!(status(format!("{}/v1/batches", central.url), "POST")?, 401, "the central store's own route");
    assert!(
        !dir.path().join("central/outbox.sqlite").exists() && !dir.path().join("companion/central.sqlite").exists()
    );
    // A contribution travels from the one to the other.
    let id = "0190b6a2-4c1d-7e3f-8a9b-0c1d2e3f4a5b";
    let body = serde_json::json!({
        "id": id, "consultation": "gdc-2023", "site": "demo", "lang": "en",
        "submitter": { "kind": "individual", "stakeholder": "youth", "country": "RW" },
        "answers": [ { "topic": "ai", "principles": "Open", "commitments": "", "comments": "" } ],
        "consent": { "publish": false, "attribution": "anonymous", "contact": false }
    });
    assert_eq!(post_json(&format!("{}/v1/submissions", companion.url), "POST", &body.to_string())?, 202);
    let start = std::time::Instant::now();
    loop {
        let export =
            std::process::Command::new(&bin).args(["export", "--data-dir"]).arg(dir.path().join("central")).output()?;
        let text = String::from_utf8(export.stdout)?;
        if text.contains(id) {
            assert!(text.contains("\"companion\":\"edge-1\""), "the row names its companion: {text}");
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "never arrived: {}",
            String::from_utf8_lossy(&export.stderr)
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    drop((central, companion));
    Ok(())
}

/// `gdc-server token create|list|revoke`: a token printed once, never
/// listed, refused twice for one name until revoked.
#[test]
fn the_token_commands_make_list_and_revoke_companion_tokens() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let run = |args: &[&str]| -> anyhow::Result<std::process::Output> {
        Ok(std::process::Command::new(gdc_e2e::server_bin()).args(args).arg("--data-dir").arg(dir.path()).output()?)
    };
    // The store must exist first: a server made it (here, a moderation run
    // would refuse too).
    let missing = run(&["token", "create", "edge-1"])?;
    assert!(!missing.status.success());
    gdc_server_store(dir.path())?;
    let made = run(&["token", "create", "edge-1"])?;
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let token = String::from_utf8(made.stdout)?.trim().to_owned();
    assert!(token.starts_with("gdc_") && token.len() > 40, "{token}");
    let again = run(&["token", "create", "edge-1"])?;
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already has a token"));
    let list = String::from_utf8(run(&["token", "list"])?.stdout)?;
    assert!(list.contains("\"name\":\"edge-1\"") && !list.contains(&token), "{list}");
    assert!(run(&["token", "revoke", "edge-1"])?.status.success());
    assert!(!run(&["token", "revoke", "edge-1"])?.status.success(), "nothing left to revoke");
    assert!(run(&["token", "create", "edge-1"])?.status.success(), "a new one after the revocation");
    assert!(!run(&["token", "create", " "])?.status.success(), "a name is needed");
    Ok(())
}

/// Makes a central store in `data` as a server does at start, then stops.
fn gdc_server_store(data: &std::path::Path) -> anyhow::Result<()> {
    let mut server = gdc_e2e::ServerProcess::spawn(
        &gdc_e2e::server_bin(),
        &["demo".into(), "--addr".into(), "127.0.0.1:0".into(), "--data-dir".into(), data.into()],
        data.to_path_buf(),
    )?;
    server.terminate(Duration::from_secs(15))?;
    Ok(())
}

/// The status of a JSON request with curl, as from a page on localhost.
fn post_json(url: &str, method: &str, body: &str) -> anyhow::Result<u16> {
    let out = std::process::Command::new("curl")
        .args(["-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", method])
        .args(["-H", "content-type: application/json", "-H", "origin: http://localhost:8080", "-d", body, url])
        .output()?;
    Ok(String::from_utf8(out.stdout)?.parse()?)
}
