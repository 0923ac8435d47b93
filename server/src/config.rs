//! Configuration: defaults, then an optional TOML file, then command-line
//! flags (which clap also reads from `GDC_…` environment variables).
//! Secrets are wrapped so they never print.

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use crate::sites::Site;

/// A value that must not appear in logs or debug output.
#[derive(Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Self {
        Self(s.into())
    }

    /// A fresh random token, for demo and test set-ups.
    pub fn random() -> Self {
        use rand::Rng;
        let bytes: [u8; 24] = rand::rng().random();
        Self(bytes.iter().map(|b| format!("{b:02x}")).collect())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Compares without an early exit, so timing does not reveal a prefix.
    pub fn matches(&self, candidate: &str) -> bool {
        let (a, b) = (self.0.as_bytes(), candidate.as_bytes());
        a.len() == b.len() && !a.is_empty() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Where to listen. Port 0 picks a free port (tests).
    pub addr: SocketAddr,
    /// Holds `outbox.sqlite` (companion) and `central.sqlite` (central store).
    pub data_dir: PathBuf,
    /// The output of `cargo xtask build`: loader, embed page, hashed assets.
    pub assets_dir: PathBuf,
    /// When set, `/` serves `index.html` and `/examples/` from this folder
    /// (the demo and configurator pages).
    pub site_root: Option<PathBuf>,
    pub companion: CompanionConfig,
    pub central: CentralConfig,
    pub sites: Vec<Site>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CompanionConfig {
    pub enabled: bool,
    /// Base URL of the central store; `None` means this same server.
    pub central_url: Option<String>,
    /// Presented to the central store as `Authorization: Bearer …`.
    pub token: Secret,
    /// Most submissions per forwarded batch.
    pub batch_size: usize,
    /// How long a new submission may wait for a batch to fill.
    #[serde(with = "millis")]
    pub batch_delay: Duration,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CentralConfig {
    pub enabled: bool,
    /// Companion name to the token it presents.
    pub companions: Vec<CompanionToken>,
    /// Grants export over HTTP. Without one, export is CLI-only.
    pub admin_token: Option<Secret>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompanionToken {
    pub name: String,
    pub token: Secret,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data_dir: PathBuf::from("data"),
            assets_dir: PathBuf::from("dist"),
            site_root: None,
            companion: CompanionConfig::default(),
            central: CentralConfig::default(),
            sites: Vec::new(),
        }
    }
}

impl Default for CompanionConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            central_url: None,
            token: Secret::default(),
            batch_size: 500,
            batch_delay: Duration::from_millis(50),
        }
    }
}

impl Default for CentralConfig {
    fn default() -> Self {
        Self { enabled: true, companions: Vec::new(), admin_token: None }
    }
}

impl Config {
    /// Reads a TOML file over the defaults.
    pub fn from_file(path: &Path) -> anyhow::Result<Self> {
        let text =
            std::fs::read_to_string(path).map_err(|e| anyhow::anyhow!("cannot read config {}: {e}", path.display()))?;
        toml::from_str(&text).map_err(|e| anyhow::anyhow!("invalid config {}: {e}", path.display()))
    }

    /// The all-in-one demo: companion and central store in one process on
    /// embedded SQLite, a `demo` site that any localhost page may embed, and
    /// a fresh token between the two roles.
    pub fn demo(addr: SocketAddr, data_dir: PathBuf, assets_dir: PathBuf, site_root: PathBuf) -> Self {
        let token = Secret::random();
        Self {
            addr,
            data_dir,
            assets_dir,
            site_root: Some(site_root),
            companion: CompanionConfig { token: token.clone(), ..Default::default() },
            central: CentralConfig {
                enabled: true,
                companions: vec![CompanionToken { name: "demo".into(), token }],
                admin_token: None,
            },
            sites: vec![Site::demo()],
        }
    }

    /// Refuses configurations that would fail later, with every reason.
    pub fn check(&self) -> anyhow::Result<()> {
        let mut problems = Vec::new();
        if !self.companion.enabled && !self.central.enabled {
            problems.push("neither the companion nor the central role is enabled".to_owned());
        }
        if self.companion.enabled && self.companion.token.expose().is_empty() {
            problems.push("companion.token is empty".to_owned());
        }
        if self.companion.enabled && self.companion.central_url.is_none() && !self.central.enabled {
            problems.push("companion.central_url is required when the central role is off".to_owned());
        }
        if self.companion.batch_size == 0 {
            problems.push("companion.batch_size must be at least 1".to_owned());
        }
        for site in &self.sites {
            if let Err(e) = site.check() {
                problems.push(e);
            }
        }
        if problems.is_empty() { Ok(()) } else { anyhow::bail!("{}", problems.join("; ")) }
    }
}

mod millis {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer};

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        u64::deserialize(d).map(Duration::from_millis)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_print() {
        let s = Secret::new("hunter2");
        assert_eq!(format!("{s:?}"), "Secret([redacted])");
        let c = Config { companion: CompanionConfig { token: s, ..Default::default() }, ..Default::default() };
        assert!(!format!("{c:?}").contains("hunter2"));
    }

    #[test]
    fn secrets_match_only_the_exact_token() {
        let s = Secret::new("abc");
        assert!(s.matches("abc"));
        assert!(!s.matches("abd"));
        assert!(!s.matches("ab"));
        assert!(!Secret::default().matches(""));
    }
}
