//! Test harness: starts the dev server binary on a free port and speaks HTTP/1.1 to it.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{Request, Response};
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

/// Maximum time the server may take to print its startup line or to stop.
const PROCESS_TIMEOUT: Duration = Duration::from_secs(30);

/// A running dev server process, killed when dropped.
pub struct DevServer {
    child: Child,
    /// Port the server bound.
    pub port: u16,
    stderr: Arc<Mutex<String>>,
    stdout_rest: Option<thread::JoinHandle<String>>,
}

impl DevServer {
    /// Starts the binary with `--addr 127.0.0.1:0` and `args`, and waits for its startup
    /// line.
    pub fn start(args: &[&str]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_pds-devserver"))
            .args(["--addr", "127.0.0.1:0"])
            .args(args)
            .env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("failed to start pds-devserver");

        let stderr = Arc::new(Mutex::new(String::new()));
        let mut stderr_pipe = child.stderr.take().unwrap();
        let stderr_sink = Arc::clone(&stderr);
        thread::spawn(move || {
            let mut buffer = [0u8; 4096];
            while let Ok(count) = stderr_pipe.read(&mut buffer) {
                if count == 0 {
                    break;
                }
                let text = String::from_utf8_lossy(&buffer[..count]);
                stderr_sink.lock().unwrap().push_str(&text);
            }
        });

        let stdout = child.stdout.take().unwrap();
        let (line_sender, line_receiver) = mpsc::channel();
        let stdout_rest = thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            let mut line = String::new();
            let _ = reader.read_line(&mut line);
            let _ = line_sender.send(line);
            let mut rest = String::new();
            let _ = reader.read_to_string(&mut rest);
            rest
        });

        let line = line_receiver
            .recv_timeout(PROCESS_TIMEOUT)
            .expect("no startup line within the timeout");
        let port = parse_startup_line(&line);
        Self {
            child,
            port,
            stderr,
            stdout_rest: Some(stdout_rest),
        }
    }

    /// Returns what the server wrote to stdout after the startup line. Call only after the
    /// process has exited, because it waits for stdout to close.
    pub fn stdout_after_startup(&mut self) -> String {
        self.stdout_rest
            .take()
            .expect("stdout already read")
            .join()
            .expect("stdout reader panicked")
    }

    /// Returns `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Returns what the server has written to stderr so far.
    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Sends SIGTERM and waits for the process to exit.
    pub fn terminate(&mut self) -> ExitStatus {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("failed to run kill");
        assert!(status.success(), "kill -TERM failed: {status}");

        let deadline = Instant::now() + PROCESS_TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "server did not stop after SIGTERM"
            );
            thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for DevServer {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Returns the port of a `listening on http://127.0.0.1:PORT` line.
fn parse_startup_line(line: &str) -> u16 {
    let port = line
        .strip_prefix("listening on http://127.0.0.1:")
        .and_then(|rest| rest.strip_suffix('\n'))
        .unwrap_or_else(|| panic!("unexpected startup line {line:?}"));
    let port: u16 = port
        .parse()
        .unwrap_or_else(|_| panic!("bad port in {line:?}"));
    assert_ne!(port, 0, "startup line shows port 0");
    port
}

/// Sends `request` over a new HTTP/1.1 connection and returns the response with its whole
/// body. Adds the `Host` header.
pub async fn http1(port: u16, mut request: Request<Bytes>) -> Response<Bytes> {
    request.headers_mut().insert(
        http::header::HOST,
        format!("127.0.0.1:{port}").parse().unwrap(),
    );
    let stream = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .unwrap();
    tokio::spawn(connection);

    let response = sender.send_request(request.map(Full::new)).await.unwrap();
    assert_eq!(response.version(), http::Version::HTTP_11);
    let (parts, body) = response.into_parts();
    let body = body.collect().await.unwrap().to_bytes();
    Response::from_parts(parts, body)
}

/// Returns the value of `name` in `response` as a string, or "" when absent.
pub fn header<'a>(response: &'a Response<Bytes>, name: &str) -> &'a str {
    response
        .headers()
        .get(name)
        .map(|value| value.to_str().unwrap())
        .unwrap_or("")
}

/// A decoded grpc-web response body: its messages and its trailers.
#[derive(Debug, Default)]
pub struct GrpcWebBody {
    /// Payloads of the data frames.
    pub messages: Vec<Bytes>,
    /// Trailer lines, lowercased names, as `(name, value)`.
    pub trailers: Vec<(String, String)>,
}

impl GrpcWebBody {
    /// Returns the value of trailer `name`.
    pub fn trailer(&self, name: &str) -> Option<&str> {
        self.trailers
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }
}

/// Frames `message` as one grpc-web data frame: flag byte 0, a 4-byte big-endian length,
/// then the message.
pub fn frame(message: &[u8]) -> Vec<u8> {
    let mut framed = Vec::with_capacity(message.len() + 5);
    framed.push(0x00);
    framed.extend_from_slice(&(message.len() as u32).to_be_bytes());
    framed.extend_from_slice(message);
    framed
}

/// Splits a binary grpc-web body into data frames (flag 0x00) and the trailer frame
/// (flag 0x80, `name:value` lines separated by CRLF).
pub fn parse_grpc_web(mut body: &[u8]) -> GrpcWebBody {
    let mut parsed = GrpcWebBody::default();
    while !body.is_empty() {
        assert!(body.len() >= 5, "truncated frame header: {body:?}");
        let flag = body[0];
        let length = u32::from_be_bytes(body[1..5].try_into().unwrap()) as usize;
        let payload = &body[5..5 + length];
        if flag & 0x80 != 0 {
            for line in std::str::from_utf8(payload).unwrap().split("\r\n") {
                if let Some((name, value)) = line.split_once(':') {
                    parsed
                        .trailers
                        .push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
                }
            }
        } else {
            parsed.messages.push(Bytes::copy_from_slice(payload));
        }
        body = &body[5 + length..];
    }
    parsed
}
