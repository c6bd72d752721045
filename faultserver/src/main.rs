//! Fault-injecting grpc-web server for the browser tests of pds-backup-web.
//!
//! Every response is written by hand over raw TCP, so a case controls each byte, each
//! header and when each chunk leaves. The case is chosen per request: see `cases.rs`
//! and docs/faults.md. On start the server prints exactly one line to stdout,
//! `listening on http://127.0.0.1:PORT`; errors go to stderr.
//!
//! Usage: `pds-faultserver [--addr IP:PORT]`, where port 0 (the default) picks a free port.

mod cases;
mod grpc;
mod http;
mod routes;
mod state;

use std::io::{self, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::ExitCode;
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use crate::cases::After;
use crate::state::State;

/// An idle keep-alive connection is closed after this long.
const IDLE_LIMIT: Duration = Duration::from_secs(60);

const USAGE: &str = "usage: pds-faultserver [--addr IP:PORT]\n\n\
Serves grpc-web fault cases for the pds-backup-web browser tests.\n\
--addr IP:PORT   address to listen on; port 0 picks a free port [default: 127.0.0.1:0]\n";

fn main() -> ExitCode {
    let addr = match parse_args(std::env::args().skip(1)) {
        Ok(Some(addr)) => addr,
        Ok(None) => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprint!("{message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match serve(addr) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("pds-faultserver: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Returns the address to listen on, or `None` for `--help`.
fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Option<SocketAddr>, String> {
    let mut addr: SocketAddr = "127.0.0.1:0".parse().expect("a valid default address");
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--help" | "-h" => return Ok(None),
            "--addr" => {
                let value = args
                    .next()
                    .ok_or("--addr needs a value such as 127.0.0.1:0")?;
                addr = value.parse().map_err(|_| {
                    format!("invalid --addr {value:?}; use IP:PORT, such as 127.0.0.1:0")
                })?;
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(Some(addr))
}

fn serve(addr: SocketAddr) -> io::Result<()> {
    let listener = TcpListener::bind(addr)?;
    let local = listener.local_addr()?;
    // Bound and released at once, so the refused-connection case has a port where
    // nothing listens. Another process could take it later; on a test machine that is
    // unlikely within one run.
    let closed_port = TcpListener::bind((local.ip(), 0))?.local_addr()?.port();
    let state = Arc::new(State::new(closed_port));

    println!("listening on http://{local}");
    io::stdout().flush()?;

    for stream in listener.incoming() {
        let stream = match stream {
            Ok(stream) => stream,
            Err(error) => {
                eprintln!("accepting a connection failed: {error}");
                continue;
            }
        };
        let state = Arc::clone(&state);
        thread::spawn(move || {
            let peer = stream.peer_addr().ok();
            if let Err(error) = serve_connection(stream, &state) {
                eprintln!("connection from {peer:?} failed: {error}");
            }
        });
    }
    Ok(())
}

/// Serves requests on one connection until the client closes it, a case closes it, or
/// it sits idle for [`IDLE_LIMIT`].
fn serve_connection(stream: TcpStream, state: &State) -> io::Result<()> {
    stream.set_nodelay(true)?;
    let mut writer = stream.try_clone()?;
    let mut reader = BufReader::new(stream);
    loop {
        reader.get_ref().set_read_timeout(Some(IDLE_LIMIT))?;
        let request = match http::read_request(&mut reader) {
            Ok(Some(request)) => request,
            Ok(None) => return Ok(()),
            Err(error)
                if matches!(
                    error.kind(),
                    io::ErrorKind::WouldBlock
                        | io::ErrorKind::TimedOut
                        | io::ErrorKind::ConnectionReset
                        | io::ErrorKind::UnexpectedEof
                ) =>
            {
                return Ok(())
            }
            Err(error) => return Err(error),
        };
        reader.get_ref().set_read_timeout(None)?;
        match routes::route(&request, &mut writer, &mut reader, state) {
            Ok(After::KeepAlive) => {}
            Ok(After::Close) => return Ok(()),
            // The client went away mid-response, which several cases provoke.
            Err(error) if is_disconnect(&error) => return Ok(()),
            Err(error) => return Err(error),
        }
    }
}

fn is_disconnect(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::BrokenPipe
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionAborted
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> impl Iterator<Item = String> {
        list.iter()
            .map(|arg| (*arg).to_owned())
            .collect::<Vec<_>>()
            .into_iter()
    }

    #[test]
    fn addr_defaults_to_free_local_port() {
        assert_eq!(
            parse_args(args(&[])).unwrap(),
            Some("127.0.0.1:0".parse().unwrap())
        );
        assert_eq!(
            parse_args(args(&["--addr", "127.0.0.1:9000"])).unwrap(),
            Some("127.0.0.1:9000".parse().unwrap())
        );
        assert!(parse_args(args(&["--addr", "nine"])).is_err());
        assert!(parse_args(args(&["--port"])).is_err());
    }
}
