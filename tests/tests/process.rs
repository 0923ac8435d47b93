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
