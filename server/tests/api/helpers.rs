//! `spawn_app`: a real server on 127.0.0.1:0 with its own temporary data
//! folder, plus the helpers tests share.

use std::path::Path;
use std::time::{Duration, Instant};

use gdc_server::Application;
use gdc_server::abuse::FormTokens;
use gdc_server::central::{SqliteStore, StoredRow};
use gdc_server::config::{AbuseConfig, CompanionToken, Config, LimitsConfig, Secret};
use gdc_server::outbox::now_ms;
use gdc_server::sites::Site;
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;

pub const COMPANION_TOKEN: &str = "companion-secret";
pub const ADMIN_TOKEN: &str = "admin-secret";
pub const FORM_TOKEN_KEY: &str = "form-token-key";

#[derive(Debug)]
pub struct TestApp {
    pub url: String,
    pub client: reqwest::Client,
    pub dir: tempfile::TempDir,
    stop: CancellationToken,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

/// Sites every test server knows: `demo` (localhost), `ngo` (one origin,
/// two topics) and `closed` (disabled).
pub fn test_config(dir: &Path) -> Config {
    Config {
        addr: "127.0.0.1:0".parse().unwrap(),
        data_dir: dir.join("data"),
        assets_dir: dir.join("dist"),
        site_root: None,
        companion: gdc_server::config::CompanionConfig {
            enabled: true,
            token: Secret::new(COMPANION_TOKEN),
            batch_delay: Duration::from_millis(5),
            ..Default::default()
        },
        central: gdc_server::config::CentralConfig {
            database_url: None,
            moderation: Default::default(),
            enabled: true,
            companions: vec![CompanionToken { name: "test".into(), token: Secret::new(COMPANION_TOKEN) }],
            admin_token: Some(Secret::new(ADMIN_TOKEN)),
        },
        // Loose enough for the load tests; the limit tests tighten them.
        limits: LimitsConfig {
            per_ip_per_minute: 60_000,
            per_ip_burst: 10_000,
            per_site_per_second: 10_000,
            per_site_burst: 10_000,
            ..Default::default()
        },
        abuse: AbuseConfig { token_secret: Some(Secret::new(FORM_TOKEN_KEY)), ..Default::default() },
        sites: vec![
            Site::demo(),
            Site {
                key: "ngo".into(),
                origins: vec!["https://ngo.example".into()],
                topics: vec!["data".into(), "ai".into()],
                enabled: true,
            },
            Site {
                key: "closed".into(),
                origins: vec!["https://closed.example".into()],
                topics: vec![],
                enabled: false,
            },
        ],
        bench_noop_route: false,
    }
}

/// A port of our own that nothing answers on yet: bound, not listening, so
/// connections to it are refused until its listener is made from it. No
/// other test can take it meanwhile (binding and releasing would race).
pub fn reserve_port() -> tokio::net::TcpSocket {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    socket
}

pub fn port_of(socket: &tokio::net::TcpSocket) -> u16 {
    socket.local_addr().unwrap().port()
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

pub async fn spawn_app_with(change: impl FnOnce(&mut Config)) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let mut config = test_config(dir.path());
    change(&mut config);
    let app = Application::build(config).await.expect("the app builds");
    let url = format!("http://{}", app.address());
    let stop = app.stop_token();
    tokio::spawn(app.run_until_stopped());
    TestApp { url, client: reqwest::Client::new(), dir, stop }
}

/// A valid submission for the `demo` site with a fresh UUIDv7.
pub fn submission() -> Value {
    json!({
        "id": uuid::Uuid::now_v7().to_string(),
        "consultation": "gdc-2023",
        "site": "demo",
        "lang": "fr",
        "submitter": { "kind": "individual", "stakeholder": "youth", "country": "RW" },
        "answers": [ { "topic": "ai", "principles": "Transparence 🌍 الشفافية 透明", "commitments": "", "comments": "" } ],
        "consent": { "publish": false, "attribution": "anonymous", "contact": false }
    })
}

impl TestApp {
    /// Posts as the widget does: with a form token issued a minute ago.
    pub async fn submit(&self, body: &Value) -> reqwest::Response {
        let site = body["site"].as_str().unwrap_or_default();
        self.client
            .post(format!("{}/v1/submissions", self.url))
            .header("gdc-token", form_token(site, 60_000))
            .json(body)
            .send()
            .await
            .unwrap()
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(format!("{}{path}", self.url)).send().await.unwrap()
    }

    /// Rows in the companion's outbox, read straight from its SQLite file.
    pub fn outbox_ids(&self) -> Vec<String> {
        let conn = rusqlite::Connection::open(self.dir.path().join("data/outbox.sqlite")).unwrap();
        let mut stmt = conn.prepare("SELECT id FROM outbox ORDER BY seq").unwrap();
        stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
    }

    pub fn central_rows(&self) -> Vec<StoredRow> {
        SqliteStore::open(&self.dir.path().join("data/central.sqlite")).unwrap().rows().unwrap()
    }

    /// Waits until the central store holds `n` rows, and fails after 10 s.
    pub async fn wait_for_central(&self, n: usize) -> Vec<StoredRow> {
        let start = Instant::now();
        loop {
            let rows = self.central_rows();
            if rows.len() >= n || start.elapsed() > Duration::from_secs(10) {
                return rows;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// A form token for `site`, issued `age_ms` ago with the test servers' key.
pub fn form_token(site: &str, age_ms: i64) -> String {
    FormTokens::new(Secret::new(FORM_TOKEN_KEY), Duration::ZERO).issue(site, now_ms() - age_ms)
}

/// The `{field, code}` pairs of a 422 body.
pub async fn field_errors(response: reqwest::Response) -> Vec<(String, String)> {
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "invalid", "{body}");
    body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            assert!(e["message"].as_str().is_some_and(|m| !m.is_empty()), "each error has a message: {e}");
            (e["field"].as_str().unwrap().to_owned(), e["code"].as_str().unwrap().to_owned())
        })
        .collect()
}

#[test]
fn the_sample_configuration_is_complete_but_its_placeholder_secrets_are_refused() {
    // Issue 10, defect 7: `check-config` and `serve` took `change-me-…`.
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("gdc-server.sample.toml");
    let mut config = Config::from_file(&path).unwrap();
    assert_eq!(config.sites[0].key, "example-ngo");
    assert!(!format!("{config:?}").contains("change-me"), "tokens never print");
    let err = config.check().unwrap_err().to_string();
    for key in ["companion.token", "central.admin_token", "central.companions[main].token"] {
        assert!(err.contains(&format!("{key} is the sample's placeholder")), "{err}");
    }
    config.companion.token = Secret::new("Ug4lQ3Y5J0v8Zx2N7pWc9s1R");
    config.central.admin_token = Some(Secret::new("qM8tX3aL6dF1hK9vB2nC5zR7"));
    config.central.companions[0].token = config.companion.token.clone();
    config.check().unwrap();
    config.abuse.token_secret = Some(Secret::new("CHANGE_ME"));
    assert!(config.check().unwrap_err().to_string().contains("abuse.token_secret is the sample's placeholder"));
}

#[test]
fn roles_are_explicit_a_configuration_without_one_is_refused() {
    let err = Config::load(None, std::iter::empty()).unwrap().check().unwrap_err().to_string();
    assert!(err.contains("no role"), "{err}");
}

#[test]
fn a_configuration_with_problems_names_each_of_them() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.toml");
    std::fs::write(
        &path,
        "[companion]\nenabled = true\ntoken = \"\"\n[central]\nenabled = false\n[[sites]]\nkey = \"Bad Key\"\norigins = [\"nope\"]\n",
    )
    .unwrap();
    let err = Config::from_file(&path).unwrap().check().unwrap_err().to_string();
    assert!(err.contains("companion.token is empty"), "{err}");
    assert!(err.contains("central_url is required"), "{err}");
    assert!(err.contains("site key \"Bad Key\""), "{err}");

    std::fs::write(&path, "adress = \"typo\"\n").unwrap();
    let err = Config::from_file(&path).unwrap_err().to_string();
    assert!(err.contains("unknown field: found `adress`"), "{err}");
}
