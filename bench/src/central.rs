//! `gdc-bench central`: many companions forwarding at once into one central
//! store on PostgreSQL, with overlapping ids, against a plain `COPY` of the
//! same rows into an unindexed table of the same database, in one run.
//!
//! The companions start first, pointed at a reserved port where nothing
//! listens, and each takes its share of submissions through the API (a
//! quarter of them also sent to a neighbouring companion, as a visitor's
//! retry reaches another companion behind a load balancer). Then the central
//! store starts on a fresh database and the clock runs from its start until
//! every distinct id is stored. Meanwhile: `perf record` on the central
//! process, `pg_stat_activity` sampled for what its connections are doing,
//! and the CPU time of each process (central, PostgreSQL, companions) from
//! `/proc`. The database is dropped at the end, on failure too.
//!
//! Two variants, each a whole run on its own database: `shared`, every
//! process on every core, as it always was; and `pinned` (`taskset`), the
//! companions on the upper half of the cores and the central store, its
//! PostgreSQL connections and the COPY on the lower half, so that the
//! figure is the central store's and not the ten companions' (who in
//! production run elsewhere). The shared figure comes first in the output;
//! the pinned one is under `pinned`.
//!
//! It is long because one run sets up eleven servers and a database, loads
//! them, watches the drain from three sides and measures the ceiling.

use std::collections::{BTreeMap, HashSet};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use futures::{SinkExt, StreamExt};
use gdc_e2e::{ServerProcess, dist, free_port, server_bin};
use serde_json::{Value, json};
use tokio_postgres::{Client, NoTls};

/// What one run is asked to do.
#[derive(Debug, Clone)]
pub struct Plan {
    pub companions: usize,
    pub per_companion: usize,
    /// `postgres://user@host:port`, without a database.
    pub postgres: String,
    /// Rows per forwarded batch (`companion.batch_size`).
    pub batch_size: usize,
    /// Where the perf report goes (the shared variant's); empty for no
    /// profile.
    pub profile: String,
    /// Which of `shared` and `pinned` to run, in order.
    pub variants: Vec<String>,
}

/// Which cores a pinned run gives the central store and PostgreSQL, and
/// which the companions: the lower and upper halves (with two cores, one
/// each).
#[derive(Debug, Clone)]
struct Pinning {
    central: String,
    companions: String,
}

impl Pinning {
    fn halves() -> Self {
        let n = std::thread::available_parallelism().map_or(1, |n| n.get()).max(2);
        let half = n / 2;
        Self { central: format!("0-{}", half - 1), companions: format!("{half}-{}", n - 1) }
    }
}

/// Every variant asked for, the first at the top level of the answer and
/// the pinned one, when run after it, under `pinned`.
pub async fn run(plan: Plan) -> Result<Value> {
    let mut out: Option<Value> = None;
    for variant in &plan.variants {
        let pinning = match variant.as_str() {
            "shared" => None,
            "pinned" => Some(Pinning::halves()),
            other => bail!("unknown variant {other:?}: shared or pinned"),
        };
        let mut plan = plan.clone();
        if out.is_some() {
            plan.profile.clear();
        }
        let mut result = run_one(plan, pinning.clone()).await?;
        if let Some(p) = &pinning {
            result["pinning"] = json!({ "central_and_postgres": p.central, "companions": p.companions });
        }
        match &mut out {
            None => out = Some(result),
            Some(first) => first[variant.as_str()] = result,
        }
    }
    out.context("no variant to run")
}

/// One run; the database is dropped whatever happens inside, after every
/// process of the run has been killed.
async fn run_one(plan: Plan, pinning: Option<Pinning>) -> Result<Value> {
    let db = format!("gdc_bench_{}_{}", std::process::id(), crate::rand_u32());
    let admin = connect(&format!("{}/postgres", plan.postgres)).await?;
    admin.batch_execute(&format!("CREATE DATABASE {db}")).await?;
    // In a task of its own: a panic inside still ends here, with the
    // processes killed by their handles' drops.
    let outcome = tokio::spawn(measure(plan.clone(), db.clone(), pinning)).await;
    let dropped = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)")).await;
    let result = outcome.context("the central benchmark panicked")??;
    dropped.with_context(|| format!("dropping the bench database {db}"))?;
    Ok(result)
}

async fn connect(url: &str) -> Result<Client> {
    let (client, connection) =
        tokio_postgres::connect(url, NoTls).await.with_context(|| format!("cannot connect to PostgreSQL at {url}"))?;
    tokio::spawn(connection);
    Ok(client)
}

/// The id at position `p` of companion `k`'s stream: every eighth is shared
/// with the next companion, every eighth (offset by four) with the previous
/// one, so both copies of a shared id sit at nearly the same place in two
/// outboxes and reach the central store at nearly the same time.
fn id_at(salt: u32, companions: usize, k: usize, p: usize) -> (String, bool) {
    let (group, n) = match p % 8 {
        0 => (0x8000 + k, p / 8),
        4 => (0x8000 + (k + companions - 1) % companions, p / 8),
        _ => (k, p),
    };
    (format!("{salt:08x}-{group:04x}-7000-8000-{n:012x}"), n % 2 == 0)
}

const TEXT: &str = "Transparent, accountable and inclusive digital governance. ";

/// A valid ~1 KB v1 submission, as the intake bench sends; the same id
/// always gives the same body, as a visitor's retry does.
fn body(id: &str, publish: bool) -> String {
    format!(
        "{{\"id\":\"{id}\",\"consultation\":\"gdc-2023\",\"site\":\"demo\",\"lang\":\"en\",\
         \"submitter\":{{\"kind\":\"individual\",\"stakeholder\":\"youth\",\"country\":\"RW\"}},\
         \"answers\":[{{\"topic\":\"ai\",\"principles\":\"{}\"}}],\
         \"consent\":{{\"publish\":{publish},\"attribution\":\"anonymous\",\"contact\":false}}}}",
        TEXT.repeat(12)
    )
}

const LIMITS: &str = "[limits]\nper_ip_per_minute = 100000000\nper_ip_burst = 100000000\n\
    per_site_per_second = 100000000\nper_site_burst = 100000000\nreads_per_ip_per_minute = 100000000\n\
    reads_per_ip_burst = 100000000\nspool_max_rows = 10000000\nspool_max_bytes = 100000000000\n";

fn companion(dir: &Path, k: usize, central_port: u16, batch_size: usize) -> Result<ServerProcess> {
    let data = dir.join(format!("companion-{k}"));
    let config = dir.join(format!("companion-{k}.toml"));
    std::fs::write(
        &config,
        format!(
            "addr = \"127.0.0.1:0\"\ndata_dir = \"{data}\"\nassets_dir = \"{dist}\"\n\
             [companion]\ncentral_url = \"http://127.0.0.1:{central_port}\"\ntoken = \"bench-token-{k}\"\n\
             batch_size = {batch_size}\nmax_backoff = 200\n{LIMITS}\
             [abuse]\ntoken_secret = \"bench-key\"\nrequire_token = false\nmin_submit_time = 0\n\
             [[sites]]\nkey = \"demo\"\norigins = [\"http://127.0.0.1:*\"]\n",
            data = data.display(),
            dist = dist().display(),
        ),
    )?;
    let args: Vec<OsString> = vec!["companion".into(), "--config".into(), config.into()];
    ServerProcess::spawn_logged(&server_bin(), &args, data, &dir.join(format!("companion-{k}.log")))
}

fn central(dir: &Path, port: u16, companions: usize, database_url: &str) -> Result<ServerProcess> {
    let data = dir.join("central");
    let config = dir.join("central.toml");
    let mut text = format!(
        "addr = \"127.0.0.1:{port}\"\ndata_dir = \"{data}\"\n{LIMITS}\
         [central]\ndatabase_url = \"{database_url}\"\n",
        data = data.display()
    );
    for k in 0..companions {
        text += &format!("[[central.companions]]\nname = \"c{k}\"\ntoken = \"bench-token-{k}\"\n");
    }
    std::fs::write(&config, text)?;
    let args: Vec<OsString> = vec!["central".into(), "--config".into(), config.into()];
    ServerProcess::spawn_logged(&server_bin(), &args, data, &dir.join("central.log"))
}

/// Posts companion `k`'s stream through its API, 32 requests at a time.
async fn fill(http: reqwest::Client, url: String, salt: u32, plan: Arc<Plan>, k: usize) -> Result<()> {
    let next = Arc::new(AtomicUsize::new(0));
    let mut workers = Vec::new();
    for _ in 0..32 {
        let (http, url, next, plan) = (http.clone(), url.clone(), next.clone(), plan.clone());
        workers.push(tokio::spawn(async move {
            loop {
                let p = next.fetch_add(1, Ordering::Relaxed);
                if p >= plan.per_companion {
                    return anyhow::Ok(());
                }
                let (id, publish) = id_at(salt, plan.companions, k, p);
                let response = http
                    .post(format!("{url}/v1/submissions"))
                    .header("content-type", "application/json")
                    .body(body(&id, publish))
                    .send()
                    .await?;
                if response.status().as_u16() != 202 {
                    bail!("companion {k} answered {} to {id}: {}", response.status(), response.text().await?);
                }
            }
        }));
    }
    for w in workers {
        w.await??;
    }
    Ok(())
}

/// One Prometheus sample from a server's `/metrics`, 0 when absent.
async fn metric(http: &reqwest::Client, url: &str, name: &str) -> Result<f64> {
    let text = http.get(format!("{url}/metrics")).send().await?.text().await?;
    Ok(text.lines().find_map(|l| l.strip_prefix(name).and_then(|v| v.trim().parse().ok())).unwrap_or(0.0))
}

/// User plus system CPU seconds of a process so far (`/proc/<pid>/stat`;
/// clock ticks of 1/100 s, as on every Linux this runs on).
fn cpu_seconds(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| {
            let fields: Vec<&str> = s[s.rfind(')')? + 2..].split_whitespace().collect();
            Some((fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?) / 100.0)
        })
        .unwrap_or(0.0)
}

/// Every PostgreSQL process on the machine and its CPU seconds so far.
fn postgres_cpu() -> BTreeMap<u32, f64> {
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) else { continue };
        if std::fs::read_to_string(entry.path().join("comm")).is_ok_and(|c| c.trim() == "postgres") {
            out.insert(pid, cpu_seconds(pid));
        }
    }
    out
}

/// `perf record` on one process until stopped; killed if dropped first.
struct Perf {
    child: Child,
    data: PathBuf,
}

impl Perf {
    fn start(pid: u32, out: &Path) -> Result<Self> {
        let data = out.with_extension("data");
        let child = Command::new("perf")
            .args(["record", "-F", "499", "-g", "-o"])
            .arg(&data)
            .args(["-p", &pid.to_string()])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .context("perf (apt-get install -y linux-perf)")?;
        Ok(Self { child, data })
    }

    /// SIGINT, as perf expects, then its report's top entries.
    fn stop(mut self, out: &Path) -> Result<Vec<String>> {
        Command::new("kill").args(["-INT", &self.child.id().to_string()]).status()?;
        self.child.wait()?;
        crate::perf_report(&self.data, out)
    }
}

impl Drop for Perf {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn measure(plan: Plan, db: String, pinning: Option<Pinning>) -> Result<Value> {
    let dir = tempfile::tempdir()?;
    let plan = Arc::new(plan);
    let salt = crate::rand_u32();
    let central_port = free_port()?;
    let companions: Vec<ServerProcess> =
        (0..plan.companions).map(|k| companion(dir.path(), k, central_port, plan.batch_size)).collect::<Result<_>>()?;
    if let Some(p) = &pinning {
        for c in &companions {
            crate::pin(c.pid(), &p.companions)?;
        }
    }
    let http = reqwest::Client::builder().timeout(Duration::from_secs(30)).build()?;

    // Fill every outbox at once while the central store is away.
    let fill_start = Instant::now();
    let fills: Vec<_> = companions
        .iter()
        .enumerate()
        .map(|(k, c)| tokio::spawn(fill(http.clone(), c.url.clone(), salt, plan.clone(), k)))
        .collect();
    for f in fills {
        f.await??;
    }
    let fill_seconds = fill_start.elapsed().as_secs_f64();
    let posted = plan.companions * plan.per_companion;
    let distinct: HashSet<String> = (0..plan.companions)
        .flat_map(|k| (0..plan.per_companion).map(move |p| (k, p)))
        .map(|(k, p)| id_at(salt, plan.companions, k, p).0)
        .collect();
    let distinct = distinct.len();
    let mut queued = 0.0;
    for c in &companions {
        queued += metric(&http, &c.url, "gdc_outbox_pending_rows ").await?;
    }
    if queued as usize != posted {
        bail!("{queued} rows queued in the outboxes, {posted} posted");
    }

    // The central store on a fresh database, from a checkpoint, timed from its start.
    let db_url = format!("{}/{db}", plan.postgres);
    let watch = connect(&db_url).await?;
    watch.batch_execute("CHECKPOINT").await?;
    let watcher_pid: i32 = watch.query_one("SELECT pg_backend_pid()", &[]).await?.get(0);
    // Pinned, the COPY below runs on the central store's cores too.
    if let Some(p) = &pinning {
        crate::pin(watcher_pid as u32, &p.central)?;
    }
    let mut pinned_backends: HashSet<i32> = HashSet::new();
    let pg_before = postgres_cpu();
    let companion_cpu_before: f64 = companions.iter().map(|c| cpu_seconds(c.pid())).sum();
    let start = Instant::now();
    let central = central(dir.path(), central_port, plan.companions, &db_url)?;
    if let Some(p) = &pinning {
        crate::pin(central.pid(), &p.central)?;
    }
    let started_seconds = start.elapsed().as_secs_f64();
    let perf = if plan.profile.is_empty() { None } else { Some(Perf::start(central.pid(), Path::new(&plan.profile))?) };
    let accepted = "gdc_central_batch_items_total{result=\"accepted\"} ";
    let duplicate = "gdc_central_batch_items_total{result=\"duplicate\"} ";
    let mut activity: BTreeMap<String, u64> = BTreeMap::new();
    let mut samples = 0u64;
    loop {
        if metric(&http, &central.url, accepted).await? as usize >= distinct {
            break;
        }
        if start.elapsed() > Duration::from_secs(300) {
            bail!("the central store had not stored every id within 5 minutes");
        }
        // What the central store's connections are doing right now.
        samples += 1;
        let rows = watch
            .query(
                "SELECT state, wait_event_type, wait_event, pid FROM pg_stat_activity WHERE datname = $1 AND pid <> $2",
                &[&db, &watcher_pid],
            )
            .await?;
        for r in rows {
            // The central store's connections are made as it needs them:
            // each is pinned when first seen (they start on any core).
            if let Some(p) = &pinning {
                let pid: i32 = r.get(3);
                if pinned_backends.insert(pid) {
                    // A connection may have ended since: not an error.
                    let _ = crate::pin(pid as u32, &p.central);
                }
            }
            let state: Option<String> = r.get(0);
            let (kind, event): (Option<String>, Option<String>) = (r.get(1), r.get(2));
            let key = match (state.as_deref(), kind, event) {
                (Some("active"), None, _) => "active: on CPU".to_owned(),
                (Some("active"), Some(kind), event) => {
                    format!("active: waiting on {kind} {}", event.unwrap_or_default())
                }
                (state, ..) => state.unwrap_or("unknown").to_owned(),
            };
            *activity.entry(key).or_default() += 1;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let seconds = start.elapsed().as_secs_f64();
    let central_cpu = cpu_seconds(central.pid());
    let pg_after = postgres_cpu();
    let pg_cpu: f64 = pg_after
        .iter()
        .filter(|(pid, _)| **pid as i32 != watcher_pid)
        .map(|(pid, after)| after - pg_before.get(pid).copied().unwrap_or(0.0))
        .sum();
    let companion_cpu = companions.iter().map(|c| cpu_seconds(c.pid())).sum::<f64>() - companion_cpu_before;
    let items = metric(&http, &central.url, accepted).await? + metric(&http, &central.url, duplicate).await?;
    let profile = match perf {
        Some(p) => Some(p.stop(Path::new(&plan.profile))?),
        None => None,
    };
    let stored: i64 = watch.query_one("SELECT count(*) FROM submissions", &[]).await?.get(0);
    if stored as usize != distinct {
        bail!("{stored} rows stored, {distinct} distinct ids posted");
    }
    // Every companion hears back about every row, duplicates included.
    let confirm_start = Instant::now();
    loop {
        let mut pending = 0.0;
        for c in &companions {
            pending += metric(&http, &c.url, "gdc_outbox_pending_rows ").await?;
        }
        if pending == 0.0 {
            break;
        }
        if confirm_start.elapsed() > Duration::from_secs(120) {
            bail!("{pending} rows still unconfirmed in the outboxes 2 minutes after every id was stored");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let all_confirmed_seconds = start.elapsed().as_secs_f64();
    let items_total = metric(&http, &central.url, accepted).await? + metric(&http, &central.url, duplicate).await?;
    drop(central);
    drop(companions);

    let copy = copy_ceiling(&watch).await?;
    let rows_per_s = distinct as f64 / seconds;
    let copy_rps = copy["rows_per_s"].as_f64().unwrap_or(f64::NAN);
    let per_sample = |n: u64| n as f64 / samples.max(1) as f64;
    Ok(json!({
        "companions": plan.companions,
        "per_companion": plan.per_companion,
        "batch_size": plan.batch_size,
        "posted": posted,
        "distinct": distinct,
        "shared_fraction": 0.25,
        "fill_seconds": fill_seconds,
        "fill_rps": posted as f64 / fill_seconds,
        "central_start_seconds": started_seconds,
        "seconds": seconds,
        "rows_per_s": rows_per_s,
        "items_received": items,
        "items_per_s": items / seconds,
        "all_confirmed_seconds": all_confirmed_seconds,
        "items_received_total": items_total,
        "copy": copy,
        "ratio_copy": rows_per_s / copy_rps,
        "target_rows_per_s": (0.5 * copy_rps).min(50_000.0),
        "cpu_seconds": { "central": central_cpu, "postgres": pg_cpu, "companions": companion_cpu,
                         "available": seconds * std::thread::available_parallelism().map_or(1, |n| n.get()) as f64 },
        "pg_activity_per_sample": activity.into_iter().map(|(k, n)| (k, json!(per_sample(n)))).collect::<serde_json::Map<_, _>>(),
        "pg_activity_samples": samples,
        "pinned_backends": pinned_backends.len(),
        "profile": { "report": plan.profile, "top": profile },
    }))
}

/// The same rows (same columns, same bodies, read back from the central
/// store's table) copied into an unindexed table with one `COPY`, timed
/// from the first byte to the commit.
async fn copy_ceiling(client: &Client) -> Result<Value> {
    const COLUMNS: &str = "id, consultation, site, companion, body, topics, received_at, flag, publish, lang";
    client
        .batch_execute(
            "CREATE TABLE copy_ceiling (id uuid, consultation text, site text, companion text, body text, \
             topics text[], received_at bigint, flag text, publish boolean, lang text)",
        )
        .await?;
    let out = client.copy_out(&format!("COPY (SELECT {COLUMNS} FROM submissions ORDER BY seq) TO STDOUT")).await?;
    let chunks: Vec<bytes::Bytes> =
        out.map(|c| c.map_err(anyhow::Error::from)).collect::<Vec<_>>().await.into_iter().collect::<Result<_>>()?;
    let mut data = Vec::with_capacity(chunks.iter().map(bytes::Bytes::len).sum());
    for c in &chunks {
        data.extend_from_slice(c);
    }
    drop(chunks);
    let data = bytes::Bytes::from(data);
    client.batch_execute("CHECKPOINT").await?;
    let start = Instant::now();
    let sink = client.copy_in(&format!("COPY copy_ceiling ({COLUMNS}) FROM STDIN")).await?;
    let mut sink = std::pin::pin!(sink);
    for at in (0..data.len()).step_by(1 << 20) {
        sink.send(data.slice(at..(at + (1 << 20)).min(data.len()))).await?;
    }
    let rows = sink.as_mut().finish().await?;
    let seconds = start.elapsed().as_secs_f64();
    Ok(json!({ "rows": rows, "bytes": data.len(), "seconds": seconds, "rows_per_s": rows as f64 / seconds }))
}
