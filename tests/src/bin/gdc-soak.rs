//! The long data-path run behind `cargo xtask soak --minutes N`: crash
//! cycles of both processes under load, outages, a full spool and a
//! poisoned row, then a summary. Exits non-zero when a promise broke.

use anyhow::{Context, Result};

#[tokio::main]
async fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let minutes = match args.iter().position(|a| a == "--minutes") {
        Some(i) => args.get(i + 1).context("--minutes needs a number")?.parse::<f64>().context("--minutes N")?,
        None => 10.0,
    };
    let bin = gdc_e2e::server_bin();
    let summary = gdc_e2e::soak::run_soak(&bin, minutes).await?;
    println!("{}", summary.render());
    if !summary.passed() {
        std::process::exit(1);
    }
    Ok(())
}
