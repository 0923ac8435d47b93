//! Configuration, in layers: the defaults, then an optional TOML file, then
//! `GDC_…` environment variables (read by `Config::load`: `GDC_ADDR`,
//! `GDC_COMPANION__TOKEN`, a double underscore going one table down), then
//! the command line's flags (`--addr`, `--data-dir`, `--assets-dir`, which
//! clap also takes from the same variables). Secrets are wrapped so they
//! never print.
//!
//! It is long because every setting is here with its documentation and
//! default: the one place an operator's key is defined. The doc comments of
//! the fields are also the descriptions of `docs/configuration.md`, which is
//! generated from these types' JSON Schema (`crate::reference`): write them
//! for operators.

use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::time::Duration;

use schemars::JsonSchema;
use serde::Deserialize;

use crate::companion::sites::Site;

/// A value that must not appear in logs or debug output.
#[derive(Clone, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(transparent)]
#[schemars(extend("x-secret" = true))]
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
        !self.0.is_empty() && same_bytes(self.0.as_bytes(), candidate.as_bytes())
    }
}

/// Whether `a` and `b` are equal, compared without an early exit, so that
/// timing does not reveal how much of a secret a guess got right.
pub fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

/// A server's whole configuration.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Where to listen, `address:port`. Put a TLS-terminating reverse proxy
    /// in front in production. Port 0 picks a free port (tests).
    pub addr: SocketAddr,
    /// Holds `outbox.sqlite` (companion), `central.sqlite` (central store on
    /// SQLite) and `form-token.key` (when `abuse.token_secret` is unset).
    /// One per companion process.
    pub data_dir: PathBuf,
    /// The output of `cargo xtask build`: loader, embed page, hashed assets.
    pub assets_dir: PathBuf,
    /// When set, `/examples/` serves the demo's partner pages from this
    /// folder's `examples/` (the configurator at `/` is always served).
    pub site_root: Option<PathBuf>,
    pub companion: CompanionConfig,
    pub central: CentralConfig,
    pub limits: LimitsConfig,
    pub abuse: AbuseConfig,
    /// The site registry: the partner sites allowed to embed the widget, one
    /// `[[sites]]` table each. Read at start.
    #[schemars(with = "Vec<crate::reference::configuration::SiteEntry>")]
    pub sites: Vec<Site>,
    /// Benchmarks only: adds `POST /bench/noop`, which reads the body and
    /// answers 202 without doing anything, as the baseline for intake.
    pub bench_noop_route: bool,
}

/// Request rates, sizes and timeouts.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct LimitsConfig {
    /// Submissions per minute from one client IP (many people may share one
    /// address behind a school's or a mobile carrier's NAT). IPv6 clients
    /// are counted by their /64.
    pub per_ip_per_minute: u32,
    /// Submissions one client IP may send at once before the rate applies.
    pub per_ip_burst: u32,
    /// Submissions per second for one site key.
    pub per_site_per_second: u32,
    /// Submissions one site key may receive at once before its rate applies.
    pub per_site_burst: u32,
    /// Reads per minute from one client IP (published contributions,
    /// readiness, metrics).
    pub reads_per_ip_per_minute: u32,
    /// Reads one client IP may make at once before the read rate applies.
    pub reads_per_ip_burst: u32,
    /// Peers whose `X-Forwarded-For` is believed (the reverse proxies in
    /// front of this server): the client is then the right-most address in
    /// it that is not itself a trusted proxy. Anyone else's header is
    /// ignored. Without the proxies here, every visitor shares the proxy's
    /// per-IP limits.
    pub trusted_proxies: Vec<IpAddr>,
    /// Most time to receive a request body, in ms (408 past it).
    #[serde(with = "millis")]
    #[schemars(schema_with = "millis::schema")]
    pub body_timeout: Duration,
    /// Most time to answer a request, in ms (408 past it).
    #[serde(with = "millis")]
    #[schemars(schema_with = "millis::schema")]
    pub request_timeout: Duration,
    /// Most time for a request's line and headers to arrive, in ms.
    #[serde(with = "millis")]
    #[schemars(schema_with = "millis::schema")]
    pub header_timeout: Duration,
    /// Most client connections open at once; more wait to be accepted.
    pub max_connections: usize,
    /// The outbox refuses new submissions (503 with `Retry-After`) beyond
    /// this many rows not yet forwarded; what it acknowledged is kept.
    pub spool_max_rows: u64,
    /// The outbox refuses new submissions (503 with `Retry-After`) beyond
    /// this many bytes of rows not yet forwarded.
    #[schemars(extend("x-unit" = "bytes"))]
    pub spool_max_bytes: u64,
}

/// Quiet defences against scripted submissions.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct AbuseConfig {
    /// Key for the form tokens issued with the widget. When unset, a random
    /// key is made once and kept in `data_dir/form-token.key`. Companions
    /// behind one load balancer need the same key.
    pub token_secret: Option<Secret>,
    /// Refuse submissions without a valid form token (403).
    pub require_token: bool,
    /// A submission sent sooner than this after its form token was issued,
    /// in ms, is doubted as a bot's: stored with a flag, kept out of the
    /// published feed until an organiser reviews it, counted in
    /// `gdc_bot_submissions_total`.
    #[serde(with = "millis")]
    #[schemars(schema_with = "millis::schema")]
    pub min_submit_time: Duration,
}

impl Default for LimitsConfig {
    fn default() -> Self {
        Self {
            per_ip_per_minute: 120,
            per_ip_burst: 30,
            per_site_per_second: 500,
            per_site_burst: 1_000,
            reads_per_ip_per_minute: 600,
            reads_per_ip_burst: 120,
            trusted_proxies: Vec::new(),
            body_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            header_timeout: Duration::from_secs(10),
            max_connections: 2_048,
            spool_max_rows: 1_000_000,
            spool_max_bytes: 2 * 1024 * 1024 * 1024,
        }
    }
}

impl Default for AbuseConfig {
    fn default() -> Self {
        Self { token_secret: None, require_token: true, min_submit_time: Duration::from_secs(3) }
    }
}

/// The companion role: intake from partner pages, the outbox, forwarding.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct CompanionConfig {
    /// Run the companion role (`gdc-server companion` sets it).
    pub enabled: bool,
    /// Base URL of the central store (`https://central.example.org`); unset
    /// means this same process, which must then have the central role.
    pub central_url: Option<String>,
    /// This companion's address as browsers see it (`https://consult.example.org`),
    /// when a reverse proxy in front of it rewrites `Host`: the widget's own
    /// requests (iframe mode) come from this origin.
    pub public_url: Option<String>,
    /// Presented to the central store as `Authorization: Bearer …`: one the
    /// central store lists in `central.companions`, or one made there with
    /// `gdc-server token create NAME`.
    pub token: Secret,
    /// Most submissions per forwarded batch (at least 1).
    pub batch_size: usize,
    /// How long a new submission may wait for a batch to fill, in ms.
    #[serde(with = "millis")]
    #[schemars(schema_with = "millis::schema")]
    pub batch_delay: Duration,
    /// Longest wait between two forwarding attempts while the central
    /// store is unreachable, in ms (exponential backoff with full jitter up
    /// to this).
    #[serde(with = "millis")]
    #[schemars(schema_with = "millis::schema")]
    pub max_backoff: Duration,
    /// How long a forwarded row stays in the outbox (for an operator's
    /// questions) before it is deleted, in ms. Visitors' emails are not
    /// kept on a companion longer than this.
    #[serde(with = "millis")]
    #[schemars(schema_with = "millis::schema")]
    pub retention: Duration,
}

/// The central store role: batches from companions, moderation, export.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct CentralConfig {
    /// Run the central store role (`gdc-server central` sets it).
    pub enabled: bool,
    /// Companions allowed to post batches, each with its token, besides
    /// those made with `gdc-server token create NAME` (which the store keeps
    /// as hashes: prefer them).
    pub companions: Vec<CompanionToken>,
    /// Grants `GET /v1/export`, `GET /v1/stats` and the organisers' page
    /// at `/organiser`. Without one, export is CLI-only.
    pub admin_token: Option<Secret>,
    /// A `postgres://` URL: the central store in that PostgreSQL database.
    /// Without one, in `central.sqlite` in the data directory.
    pub database_url: Option<String>,
    /// `pre` (the default): a contribution is public once an organiser
    /// approves it; `post`: as soon as it arrives, until one hides it.
    #[schemars(with = "crate::reference::configuration::ModerationValue")]
    pub moderation: crate::central::Moderation,
}

impl CentralConfig {
    /// Where this configuration keeps the central store.
    pub fn location(&self, data_dir: &std::path::Path) -> crate::central::StoreLocation {
        crate::central::StoreLocation::new(self.database_url.as_deref(), data_dir)
    }
}

/// A companion allowed to post batches to the central store.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CompanionToken {
    /// The companion's name, recorded with each row it forwards and shown
    /// on the organisers' page.
    pub name: String,
    /// The token that companion presents (its `companion.token`).
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
            limits: LimitsConfig::default(),
            abuse: AbuseConfig::default(),
            sites: Vec::new(),
            bench_noop_route: false,
        }
    }
}

impl Default for CompanionConfig {
    fn default() -> Self {
        Self {
            // Roles are explicit: a configuration says what a process is.
            enabled: false,
            central_url: None,
            public_url: None,
            token: Secret::default(),
            batch_size: 1_000,
            batch_delay: Duration::from_millis(50),
            max_backoff: Duration::from_secs(30),
            retention: Duration::from_secs(7 * 24 * 3600),
        }
    }
}

impl Config {
    /// Reads a TOML file over the defaults.
    pub fn from_file(path: &Path) -> anyhow::Result<Self> {
        Self::load(Some(path), std::iter::empty())
    }

    /// The defaults, then the TOML file if any, then `GDC_…` variables from
    /// `env` (`GDC_ADDR`, `GDC_COMPANION__TOKEN`: a double underscore goes
    /// one table down).
    pub fn load(path: Option<&Path>, env: impl IntoIterator<Item = (String, String)>) -> anyhow::Result<Self> {
        use figment::Figment;
        use figment::providers::{Format, Serialized, Toml};

        let mut figment = Figment::new();
        if let Some(path) = path {
            if !path.is_file() {
                anyhow::bail!("cannot read config {}: no such file", path.display());
            }
            figment = figment.merge(Toml::file(path));
        }
        // Variables for the command line itself (GDC_CONFIG, GDC_LOG_JSON)
        // are not configuration keys; only known tables and fields are read.
        let mut from_env = serde_json::Map::new();
        for (key, value) in env {
            let Some(rest) = key.strip_prefix("GDC_") else { continue };
            let path: Vec<String> = rest.split("__").map(str::to_ascii_lowercase).collect();
            if !TOP_LEVEL_KEYS.contains(&path[0].as_str()) {
                continue;
            }
            insert_path(&mut from_env, &path, env_value(&value));
        }
        figment = figment.merge(Serialized::defaults(serde_json::Value::Object(from_env)));
        figment.extract().map_err(|e| {
            let source = path.map_or_else(|| "environment".to_owned(), |p| p.display().to_string());
            anyhow::anyhow!("invalid config ({source}): {e}")
        })
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
            companion: CompanionConfig { enabled: true, token: token.clone(), ..Default::default() },
            central: CentralConfig {
                enabled: true,
                companions: vec![CompanionToken { name: "demo".into(), token }],
                admin_token: None,
                database_url: None,
                moderation: Default::default(),
            },
            limits: LimitsConfig::default(),
            abuse: AbuseConfig::default(),
            sites: vec![Site::demo()],
            bench_noop_route: false,
        }
    }

    /// Refuses configurations that would fail later, with every reason.
    pub fn check(&self) -> anyhow::Result<()> {
        let mut problems = Vec::new();
        if !self.companion.enabled && !self.central.enabled {
            problems
                .push("no role: set companion.enabled = true, central.enabled = true, or both (all-in-one)".to_owned());
        }
        let mut secrets: Vec<(String, Option<&Secret>)> = Vec::new();
        if self.companion.enabled {
            secrets.push(("companion.token".into(), Some(&self.companion.token)));
        }
        if self.central.enabled {
            secrets.push(("central.admin_token".into(), self.central.admin_token.as_ref()));
            for c in &self.central.companions {
                secrets.push((format!("central.companions[{}].token", c.name), Some(&c.token)));
            }
        }
        secrets.push(("abuse.token_secret".into(), self.abuse.token_secret.as_ref()));
        for (key, secret) in secrets {
            match secret.map(Secret::expose) {
                Some("") => problems.push(format!("{key} is empty")),
                Some(s) if is_placeholder(s) => {
                    problems.push(format!("{key} is the sample's placeholder: set a long random secret"));
                }
                _ => {}
            }
        }
        if self.companion.enabled && self.companion.central_url.is_none() && !self.central.enabled {
            problems.push("companion.central_url is required when the central role is off".to_owned());
        }
        if let Some(url) = &self.companion.public_url
            && crate::sites::origin_of(url).is_none()
        {
            problems.push(format!("companion.public_url {url:?} is not an http(s) URL"));
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

/// Whether a secret is one of the sample configuration's placeholders
/// (`change-me-…`), which anyone can read in this repository.
fn is_placeholder(secret: &str) -> bool {
    let folded: String = secret.chars().filter(char::is_ascii_alphanumeric).collect::<String>().to_ascii_lowercase();
    folded.contains("changeme")
}

/// The keys `GDC_…` variables may set.
pub(crate) const TOP_LEVEL_KEYS: &[&str] =
    &["addr", "data_dir", "assets_dir", "site_root", "companion", "central", "limits", "abuse"];

/// A variable's text as the TOML value it spells (number, boolean, list),
/// or as a string.
fn env_value(text: &str) -> serde_json::Value {
    toml::from_str::<toml::Table>(&format!("v = {text}"))
        .ok()
        .and_then(|t| t.get("v").cloned())
        .and_then(|v| serde_json::to_value(v).ok())
        .unwrap_or_else(|| serde_json::Value::String(text.to_owned()))
}

fn insert_path(map: &mut serde_json::Map<String, serde_json::Value>, path: &[String], value: serde_json::Value) {
    match path {
        [] => {}
        [last] => {
            map.insert(last.clone(), value);
        }
        [first, rest @ ..] => {
            let entry = map.entry(first.clone()).or_insert_with(|| serde_json::Value::Object(Default::default()));
            if let serde_json::Value::Object(inner) = entry {
                insert_path(inner, rest, value);
            }
        }
    }
}

/// Durations, written as whole milliseconds.
mod millis {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        u64::deserialize(d).map(Duration::from_millis)
    }

    /// For the defaults in the configuration reference.
    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
    }

    /// A whole number of milliseconds, so the reference says so.
    pub fn schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "integer", "minimum": 0, "x-unit": "ms" })
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
    fn environment_variables_override_the_file_one_table_down() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.toml");
        std::fs::write(&path, "addr = \"127.0.0.1:1\"\n[companion]\ntoken = \"from-file\"\nbatch_size = 7\n").unwrap();
        let env = [
            ("GDC_ADDR", "127.0.0.1:2"),
            ("GDC_COMPANION__TOKEN", "from-env"),
            ("GDC_LIMITS__PER_IP_BURST", "5"),
            ("GDC_ABUSE__REQUIRE_TOKEN", "false"),
            ("GDC_CONFIG", "ignored: a flag's variable, not a key"),
            ("OTHER", "ignored"),
        ]
        .map(|(k, v)| (k.to_owned(), v.to_owned()));
        let c = Config::load(Some(&path), env).unwrap();
        assert_eq!(c.addr, "127.0.0.1:2".parse().unwrap());
        assert_eq!(c.companion.token.expose(), "from-env");
        assert_eq!(c.companion.batch_size, 7);
        assert_eq!(c.limits.per_ip_burst, 5);
        assert!(!c.abuse.require_token);
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
