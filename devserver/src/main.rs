//! Development server for pds-backup-web.
//!
//! Serves `public.portworx.pds.backup.v1.BackupService` over gRPC and grpc-web from a
//! deterministic, seeded in-memory data set, plus the dashboard's static files, on one
//! origin. On start it prints exactly one line to stdout, `listening on http://IP:PORT`;
//! logs go to stderr.

mod auth;
mod catalog;
mod data;
mod deadline;
mod export;
mod http;
mod rng;
mod rpc_log;
mod service;
mod store;

use std::future::{Future, IntoFuture};
use std::io::{IsTerminal, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use ::http::HeaderValue;
use axum::serve::ListenerExt;
use axum::Router;
use clap::Parser;
use tokio::net::TcpListener;
use tokio::signal::unix::{signal, SignalKind};
use tracing_subscriber::EnvFilter;

use crate::auth::BearerAuth;
use crate::data::{DataSet, SeedOptions};
use crate::http::RouterConfig;
use crate::service::BackupApi;
use crate::store::Store;

/// Maximum time shutdown waits for open connections, such as an HTTP/2 client that does
/// not acknowledge the server's GOAWAY, before closing them.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// Seed used when `--seed` is not given.
const DEFAULT_SEED: u64 = 20_261_130;

/// Command-line flags.
#[derive(Debug, Parser)]
#[command(
    name = "pds-devserver",
    version,
    about = "Serves the PDS BackupService over gRPC and grpc-web with seeded data, plus \
             the dashboard's static files, for development and tests.",
    after_help = "Prints `listening on http://IP:PORT` to stdout once the port is bound. \
                  Logs go to stderr; set RUST_LOG (default: info) to change the level."
)]
struct Args {
    /// Address to listen on, as IP:PORT. Port 0 picks a free port, which the startup line
    /// shows.
    #[arg(long, value_name = "IP:PORT", default_value = "127.0.0.1:8080")]
    addr: SocketAddr,

    /// Token that every RPC must send as `authorization: Bearer <TOKEN>`. Calls without it
    /// fail with UNAUTHENTICATED. The environment variable keeps the token off the command
    /// line, where `ps` shows it. [default: none, RPCs need no token]
    #[arg(long, value_name = "TOKEN", value_parser = parse_token, env = "PDS_DEVSERVER_AUTH_TOKEN", hide_env_values = true)]
    token: Option<String>,

    /// Number of seeded backups, 0 to 1000000.
    #[arg(long, value_name = "N", default_value_t = 2500,
          value_parser = clap::value_parser!(u32).range(0..=1_000_000))]
    records: u32,

    /// Seed of the generated data. The same seed and --records give the same data on every
    /// run.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_SEED)]
    seed: u64,

    /// Origin allowed to call the API from a page on another origin, such as
    /// http://localhost:5173. Repeat for several origins; `*` allows any origin.
    /// [default: none, no CORS headers are sent, so only same-origin pages can call]
    #[arg(long = "allow-origin", value_name = "ORIGIN", value_parser = parse_origin)]
    allow_origins: Vec<HeaderValue>,

    /// Directory served at / with `index.html` for directories, sent with
    /// `Cache-Control: no-store`. [default: none, / returns 404]
    #[arg(long, value_name = "DIR")]
    www: Option<PathBuf>,

    /// Directory of the built wasm package, served at /pkg/ with `Cache-Control:
    /// no-store`. [default: none]
    #[arg(long, value_name = "DIR")]
    pkg: Option<PathBuf>,

    /// Delay added before each RPC is handled, in milliseconds, 0 to 600000.
    #[arg(long, value_name = "MS", default_value_t = 0,
          value_parser = clap::value_parser!(u64).range(0..=600_000))]
    latency_ms: u64,

    /// Also seed 3 backups whose name, description, labels, annotations and error message
    /// contain HTML and script markup, such as `<script>alert(1)</script>`. They are the
    /// newest backups, so the default order lists them first. For XSS tests of the
    /// dashboard.
    #[arg(long)]
    seed_markup: bool,

    /// Maximum page_size of a ListBackups request, in records, 1 to 100000. Larger values
    /// fail with INVALID_ARGUMENT. A page_size of 0 means 50 records, or this maximum if it
    /// is smaller.
    #[arg(long, value_name = "N", default_value_t = 1000,
          value_parser = clap::value_parser!(i64).range(1..=100_000))]
    max_page_size: i64,

    /// Write the seeded backups to PATH as a JSON array of Backup messages in proto3 JSON,
    /// then exit without serving.
    #[arg(long, value_name = "PATH")]
    export_json: Option<PathBuf>,
}

fn parse_token(text: &str) -> Result<String, String> {
    if text.is_empty() {
        return Err("the token must not be empty; leave out --token to disable the check".into());
    }
    Ok(text.to_owned())
}

/// Accepts `*` or an origin as browsers send it: scheme, host and optional port, with no
/// path and no trailing slash.
fn parse_origin(text: &str) -> Result<HeaderValue, String> {
    if text != "*" {
        let uri: ::http::Uri = text
            .parse()
            .map_err(|error| format!("invalid origin {text:?}: {error}"))?;
        let has_scheme_and_host = uri.scheme().is_some() && uri.authority().is_some();
        if !has_scheme_and_host || text.ends_with('/') || uri.path() != "/" {
            return Err(format!(
                "invalid origin {text:?}: expected scheme://host[:port] without a path or \
                 trailing slash, such as http://localhost:5173, or * for any origin"
            ));
        }
    }
    HeaderValue::from_str(text).map_err(|error| format!("invalid origin {text:?}: {error}"))
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    init_tracing();
    match run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!("{error}");
            ExitCode::FAILURE
        }
    }
}

fn init_tracing() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_env_filter(filter)
        .init();
}

async fn run(args: Args) -> Result<(), String> {
    let data = data::generate(SeedOptions {
        seed: args.seed,
        records: args.records as usize,
        markup: args.seed_markup,
    });

    if let Some(path) = &args.export_json {
        export::write_backups(path, &data.backups)
            .map_err(|error| format!("failed to write {}: {error}", path.display()))?;
        tracing::info!(
            path = %path.display(),
            backups = data.backups.len(),
            seed = args.seed,
            "exported seeded backups"
        );
        return Ok(());
    }

    serve(&args, data).await
}

async fn serve(args: &Args, data: DataSet) -> Result<(), String> {
    for dir in [&args.www, &args.pkg].into_iter().flatten() {
        require_directory(dir)?;
    }

    let store = Store::new(data.backups, args.max_page_size);
    let backup_count = store.len();
    let default_page_size = store.default_page_size();
    let router = http::router(RouterConfig {
        api: BackupApi::new(store, Duration::from_millis(args.latency_ms)),
        auth: BearerAuth::new(args.token.as_deref()),
        catalog: data.catalog,
        default_page_size,
        max_page_size: args.max_page_size,
        www: args.www.clone(),
        pkg: args.pkg.clone(),
        allowed_origins: args.allow_origins.clone(),
    })
    .map_err(|error| format!("failed to serialize the catalog: {error}"))?;

    let listener = TcpListener::bind(args.addr)
        .await
        .map_err(|error| format!("failed to listen on {}: {error}", args.addr))?;
    let local_addr = listener
        .local_addr()
        .map_err(|error| format!("failed to read the bound address: {error}"))?;
    let shutdown =
        shutdown_signal().map_err(|error| format!("failed to install signal handlers: {error}"))?;

    tracing::info!(
        addr = %local_addr,
        backups = backup_count,
        seed = args.seed,
        token_required = args.token.is_some(),
        allowed_origins = ?args.allow_origins,
        latency_ms = args.latency_ms,
        default_page_size,
        max_page_size = args.max_page_size,
        "dev server started"
    );
    announce(local_addr)
        .map_err(|error| format!("failed to write the startup line to stdout: {error}"))?;

    serve_until(listener, router, shutdown).await?;
    tracing::info!("dev server stopped");
    Ok(())
}

/// Serves `router` on `listener` until `shutdown` completes, then waits up to
/// [`SHUTDOWN_GRACE`] for open connections to finish.
async fn serve_until(
    listener: TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), String> {
    // Small unary messages must not wait for Nagle's algorithm.
    let listener = listener.tap_io(|stream| {
        if let Err(error) = stream.set_nodelay(true) {
            tracing::warn!(%error, "failed to set TCP_NODELAY");
        }
    });

    // axum serves HTTP/1.1 and HTTP/2 with prior knowledge on one port, which plain gRPC
    // clients and grpc-web clients need.
    let (signalled, signal_received) = tokio::sync::oneshot::channel();
    let server = axum::serve(listener, router).with_graceful_shutdown(async move {
        shutdown.await;
        let _ = signalled.send(());
    });
    let grace_expired = async move {
        if signal_received.await.is_ok() {
            tokio::time::sleep(SHUTDOWN_GRACE).await;
        } else {
            std::future::pending::<()>().await;
        }
    };

    tokio::select! {
        result = server.into_future() => {
            result.map_err(|error| format!("server failed: {error}"))
        }
        () = grace_expired => {
            tracing::warn!(
                grace_seconds = SHUTDOWN_GRACE.as_secs(),
                "connections still open after the shutdown grace period; closing them"
            );
            Ok(())
        }
    }
}

fn require_directory(dir: &Path) -> Result<(), String> {
    if dir.is_dir() {
        Ok(())
    } else {
        Err(format!(
            "{} is not a directory: pass an existing directory to --www and --pkg",
            dir.display()
        ))
    }
}

/// Prints the startup line that test harnesses read to learn the port.
fn announce(local_addr: SocketAddr) -> std::io::Result<()> {
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "listening on http://{local_addr}")?;
    stdout.flush()
}

/// Returns a future that completes on the first SIGINT or SIGTERM.
fn shutdown_signal() -> std::io::Result<impl Future<Output = ()> + Send + 'static> {
    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut terminate = signal(SignalKind::terminate())?;
    Ok(async move {
        let name = tokio::select! {
            _ = interrupt.recv() => "SIGINT",
            _ = terminate.recv() => "SIGTERM",
        };
        tracing::info!(
            signal = name,
            "shutting down: waiting for open connections to finish"
        );
    })
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn flags_are_consistent() {
        Args::command().debug_assert();
    }

    #[test]
    fn defaults_match_documentation() {
        let args = Args::try_parse_from(["pds-devserver"]).unwrap();
        assert_eq!(args.addr, "127.0.0.1:8080".parse().unwrap());
        assert_eq!(args.records, 2500);
        assert_eq!(args.max_page_size, 1000);
        assert_eq!(args.latency_ms, 0);
        assert!(args.allow_origins.is_empty());
        assert!(args.token.is_none());
    }

    #[test]
    fn origin_accepts_browser_form() {
        assert!(parse_origin("http://localhost:5173").is_ok());
        assert!(parse_origin("https://example.com").is_ok());
        assert!(parse_origin("*").is_ok());
    }

    #[test]
    fn origin_rejects_paths() {
        for text in [
            "http://localhost:5173/",
            "http://localhost/app",
            "localhost:5173",
            "",
        ] {
            assert!(parse_origin(text).is_err(), "{text:?} accepted");
        }
    }

    #[test]
    fn empty_token_is_rejected() {
        assert!(Args::try_parse_from(["pds-devserver", "--token", ""]).is_err());
    }

    #[test]
    fn page_size_maximum_must_be_positive() {
        assert!(Args::try_parse_from(["pds-devserver", "--max-page-size", "0"]).is_err());
    }
}
