//! The `gdc-server` command: serve, run the demo, export, check a config,
//! print the generated references.
//!
//! It is long because every subcommand's arguments, with their help texts,
//! are declared here for clap, next to what each one runs.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// Intake allocates and frees small buffers at a high rate; mimalloc does
/// that with less contention between threads than glibc's allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use gdc_server::Application;
use gdc_server::central::{Access, Action, ExportFormat, StoreLocation, export_all, new_token, storage, token_hash};
use gdc_server::config::Config;
use gdc_server::outbox;

/// Companion server and central store of the consultation widget.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Cli {
    /// Log as JSON lines instead of human-readable text.
    #[arg(long, global = true, env = "GDC_LOG_JSON")]
    log_json: bool,
    #[command(subcommand)]
    command: Command,
}

/// Where a server's configuration comes from.
#[derive(Debug, clap::Args)]
struct ServeArgs {
    /// TOML configuration; see `server/gdc-server.sample.toml`.
    #[arg(long, env = "GDC_CONFIG")]
    config: Option<PathBuf>,
    /// Overrides `addr` from the file.
    #[arg(long, env = "GDC_ADDR")]
    addr: Option<SocketAddr>,
    /// Overrides `data_dir` from the file.
    #[arg(long, env = "GDC_DATA_DIR")]
    data_dir: Option<PathBuf>,
    /// Overrides `assets_dir` from the file.
    #[arg(long, env = "GDC_ASSETS_DIR")]
    assets_dir: Option<PathBuf>,
}

impl ServeArgs {
    fn load(self) -> anyhow::Result<Config> {
        let mut c = Config::load(self.config.as_deref(), std::env::vars())?;
        c.addr = self.addr.unwrap_or(c.addr);
        c.data_dir = self.data_dir.unwrap_or(c.data_dir);
        c.assets_dir = self.assets_dir.unwrap_or(c.assets_dir);
        Ok(c)
    }
}

/// Where an organiser's command finds the central store.
#[derive(Debug, clap::Args)]
struct StoreArgs {
    /// The data directory holding `central.sqlite`.
    #[arg(long, env = "GDC_DATA_DIR", default_value = "data/demo")]
    data_dir: PathBuf,
    /// The central store's PostgreSQL database, instead of `central.sqlite`.
    #[arg(long, env = "GDC_DATABASE_URL")]
    database_url: Option<String>,
}

impl StoreArgs {
    fn location(&self) -> StoreLocation {
        StoreLocation::new(self.database_url.as_deref(), &self.data_dir)
    }

    /// Runs `f` on the store, opened as `access` allows.
    fn run<T>(
        &self,
        access: Access,
        f: impl AsyncFnOnce(gdc_server::central::CentralStore) -> anyhow::Result<T>,
    ) -> anyhow::Result<T> {
        tokio::runtime::Runtime::new()?.block_on(async { f(storage::open(&self.location(), access).await?).await })
    }
}

#[derive(Debug, Subcommand)]
enum Command {
    /// A companion: intake from partner pages, its outbox, forwarding to
    /// the central store (`companion.central_url`). Any number may run
    /// behind a load balancer, each with its own data directory.
    Companion(ServeArgs),
    /// The central store: batches from companions, export, the published
    /// feed, on SQLite or PostgreSQL (`central.database_url`).
    Central(ServeArgs),
    /// Serve the roles the configuration file enables (both for an
    /// all-in-one server).
    Serve(ServeArgs),
    /// Companion and central store in one process on embedded SQLite, with a
    /// `demo` site open to localhost pages, the configurator at `/` and the demo page at `/examples/`.
    Demo {
        #[arg(long, env = "GDC_ADDR", default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
        #[arg(long, env = "GDC_DATA_DIR", default_value = "data/demo")]
        data_dir: PathBuf,
        #[arg(long, env = "GDC_ASSETS_DIR", default_value = "dist")]
        assets_dir: PathBuf,
        /// Folder holding `examples/`, the demo's partner pages.
        #[arg(long, env = "GDC_SITE_ROOT", default_value = ".")]
        site_root: PathBuf,
        /// The organisers' page's admin token; a random one, printed at
        /// start, when not given.
        #[arg(long, env = "GDC_ADMIN_TOKEN")]
        admin_token: Option<String>,
    },
    /// Print every submission in the central store.
    Export {
        #[command(flatten)]
        store: StoreArgs,
        #[arg(long, value_enum, default_value = "jsonl")]
        format: Format,
        /// Only rows stored after the row with this `seq` (incremental pulls).
        #[arg(long, default_value_t = 0)]
        since: i64,
        /// CSV: start with a UTF-8 byte-order mark, for spreadsheet programs.
        #[arg(long)]
        bom: bool,
    },
    /// Moderate the published feed: approve contributions whose authors
    /// agreed to publication, hide any, or unhide them.
    Moderate {
        #[arg(value_enum)]
        action: ActionArg,
        #[command(flatten)]
        store: StoreArgs,
        /// Submission ids.
        #[arg(required = true)]
        ids: Vec<String>,
    },
    /// Approve contributions (or, `--withdraw`, hide them): `moderate`'s
    /// older name.
    Publish {
        #[command(flatten)]
        store: StoreArgs,
        /// Withdraw instead of publishing.
        #[arg(long)]
        withdraw: bool,
        /// Submission ids.
        #[arg(required = true)]
        ids: Vec<String>,
    },
    /// Companions' tokens for the central store: make one (printed once;
    /// only its hash is kept), revoke one, or list them.
    Token {
        #[command(subcommand)]
        action: TokenAction,
    },
    /// Read a configuration (with `GDC_…` variables) and report every problem in it.
    CheckConfig {
        #[arg(long, env = "GDC_CONFIG")]
        config: PathBuf,
    },
    /// Print a reference generated from this binary's own code, as
    /// Markdown: every configuration key, or the HTTP API (`cargo xtask
    /// docs` writes both to `docs/`).
    Reference {
        #[arg(value_enum)]
        of: ReferenceOf,
    },
    /// Inspect the companion's outbox, and replay dead letters.
    Outbox {
        #[arg(long, env = "GDC_DATA_DIR", default_value = "data")]
        data_dir: PathBuf,
        #[command(subcommand)]
        action: OutboxAction,
    },
}

#[derive(Debug, Subcommand)]
enum OutboxAction {
    /// The newest rows, as JSON lines.
    List {
        /// Only the rows the central store rejected.
        #[arg(long)]
        dead: bool,
        #[arg(long, default_value_t = 100)]
        limit: usize,
    },
    /// Put dead letters back in line for forwarding.
    Replay {
        /// The submission id to replay.
        #[arg(conflicts_with = "all", required_unless_present = "all")]
        id: Option<String>,
        /// Replay every dead letter.
        #[arg(long)]
        all: bool,
    },
}

#[derive(Debug, Subcommand)]
enum TokenAction {
    /// A new token for the companion NAME, printed once.
    Create {
        name: String,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Revoke NAME's token: its batches are refused from now on.
    Revoke {
        name: String,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Every token ever made (never the tokens themselves).
    List {
        #[command(flatten)]
        store: StoreArgs,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ActionArg {
    Approve,
    Hide,
    Unhide,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ReferenceOf {
    /// Every configuration key: `docs/configuration.md`.
    Configuration,
    /// Every operation of the HTTP API: `docs/api.md`.
    Api,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    Jsonl,
    Csv,
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    init_tracing(cli.log_json);
    match run(cli.command) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            // One clear line (with its causes), not a backtrace.
            eprintln!("gdc-server: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// A companion often runs on the smallest machine a partner has: mimalloc
/// is told to give freed memory back to the system at once rather than
/// after a second. Measured at 256 connections of intake, with transparent
/// huge pages off (`.cargo/config.toml`): peak RSS 47.5 MB with mimalloc's
/// default delay, 37.7 MB with none, at the same rate. Not for a process
/// with the central store: its megabyte batches would each come from fresh
/// pages the kernel must zero (page faults and `clear_page` were a fifth
/// of its CPU during ingest, BENCHMARKS.md).
#[allow(unsafe_code)]
fn return_freed_memory_promptly() {
    // mimalloc's option number for `mi_option_purge_delay` (`mi_option_t`
    // in its `mimalloc.h`, v3).
    const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
    // SAFETY: `mi_option_set` is not thread safe; this runs in `serve`
    // before the runtime starts, when no other thread of ours exists
    // (arguments, logging and configuration start none). 0 is a value the
    // option takes: purge at once.
    unsafe {
        libmimalloc_sys::mi_option_set(PURGE_DELAY, 0);
    }
}

fn run(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Companion(args) => {
            let mut c = args.load()?;
            (c.companion.enabled, c.central.enabled) = (true, false);
            serve(c)
        }
        Command::Central(args) => {
            let mut c = args.load()?;
            (c.companion.enabled, c.central.enabled) = (false, true);
            serve(c)
        }
        Command::Serve(args) => serve(args.load()?),
        Command::Demo { addr, data_dir, assets_dir, site_root, admin_token } => {
            let mut config = Config::demo(addr, data_dir, assets_dir, site_root);
            let admin = admin_token.map_or_else(gdc_server::config::Secret::random, gdc_server::config::Secret::new);
            eprintln!("organisers' page: /organiser, admin token {}", admin.expose());
            config.central.admin_token = Some(admin);
            serve(config)
        }
        Command::Export { store, format, since, bom } => {
            let format = match format {
                Format::Jsonl => ExportFormat::Jsonl,
                Format::Csv => ExportFormat::Csv { bom },
            };
            store.run(Access::ReadOnly, async |s| export_all(&s, since, format, std::io::stdout().lock()).await)
        }
        Command::Moderate { action, store, ids } => {
            let action = match action {
                ActionArg::Approve => Action::Approve,
                ActionArg::Hide => Action::Hide,
                ActionArg::Unhide => Action::Unhide,
            };
            moderate(&store, action, &ids)
        }
        Command::Publish { store, withdraw, ids } => {
            let action = if withdraw { Action::Hide } else { Action::Approve };
            moderate(&store, action, &ids)
        }
        Command::Token { action } => match action {
            TokenAction::Create { name, store } => {
                let name = name.trim().to_owned();
                if name.is_empty() || name.len() > 100 || name.chars().any(char::is_control) {
                    anyhow::bail!("a companion's name: 1 to 100 characters, no control characters");
                }
                let token = new_token();
                let added =
                    store.run(Access::Existing, async |s| Ok(s.add_token(&name, &token_hash(&token)).await?))?;
                if !added {
                    anyhow::bail!("{name:?} already has a token: revoke it first (gdc-server token revoke {name:?})");
                }
                eprintln!("A token for {name:?}; it is shown once, keep it in the companion's companion.token:");
                println!("{token}");
                Ok(())
            }
            TokenAction::Revoke { name, store } => {
                if !store.run(Access::Existing, async |s| Ok(s.revoke_token(&name).await?))? {
                    anyhow::bail!("{name:?} has no token to revoke");
                }
                println!("{name:?}'s token is revoked: its batches are refused from now on");
                Ok(())
            }
            TokenAction::List { store } => {
                for t in store.run(Access::ReadOnly, async |s| Ok(s.tokens().await?))? {
                    println!("{}", serde_json::to_string(&t)?);
                }
                Ok(())
            }
        },
        Command::CheckConfig { config } => {
            Config::load(Some(&config), std::env::vars())?.check()?;
            println!("{}: ok", config.display());
            Ok(())
        }
        Command::Reference { of } => {
            print!(
                "{}",
                match of {
                    ReferenceOf::Configuration => gdc_server::reference::configuration_reference(),
                    ReferenceOf::Api => gdc_server::reference::api_reference(),
                }
            );
            Ok(())
        }
        Command::Outbox { data_dir, action } => {
            let path = data_dir.join("outbox.sqlite");
            if !path.exists() {
                anyhow::bail!("no outbox at {}", path.display());
            }
            match action {
                OutboxAction::List { dead, limit } => {
                    for row in outbox::admin::list(&path, dead, limit)? {
                        println!("{}", serde_json::to_string(&row)?);
                    }
                }
                OutboxAction::Replay { id, all: _ } => {
                    let n = outbox::admin::replay(&path, id.as_deref())?;
                    println!("{n} dead letter(s) back in line for forwarding");
                }
            }
            Ok(())
        }
    }
}

/// Takes `action` on each of `ids`, saying which were refused and why.
fn moderate(store: &StoreArgs, action: Action, ids: &[String]) -> anyhow::Result<()> {
    let refused = store.run(Access::Existing, async |s| Ok(s.moderate(ids, action).await?))?;
    for r in &refused {
        eprintln!("{r}");
    }
    let done = ids.len() - refused.len();
    let verb = match action {
        Action::Approve => "approved",
        Action::Hide => "hidden",
        Action::Unhide => "unhidden",
    };
    println!("{done} contribution(s) {verb}");
    if refused.is_empty() { Ok(()) } else { anyhow::bail!("{} refused", refused.len()) }
}

fn serve(config: Config) -> anyhow::Result<()> {
    if !config.central.enabled {
        return_freed_memory_promptly();
    }
    tokio::runtime::Runtime::new()?.block_on(async {
        let app = Application::build(config).await?;
        // Tests and scripts wait for this line: the listener is bound and the
        // storage is open, so requests from now on are served.
        println!("gdc-server listening on http://{}", app.address());
        app.run_until_stopped().await
    })
}

fn init_tracing(json: bool) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,tower_http=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}
