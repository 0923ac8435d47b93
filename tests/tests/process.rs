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
