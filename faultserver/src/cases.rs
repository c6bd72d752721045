//! The fault cases: what the server sends for each one.
//!
//! A case is named by a spec `NAME` or `NAME/ARG`, taken from the `x-fault-case` request
//! header when present, else from the path `/case/NAME/ARG.../<service>/<method>`.
//! docs/faults.md lists every case and the result the client must give.

use std::io::{self, BufReader};
use std::net::TcpStream;
use std::thread::sleep;
use std::time::Duration;

use crate::grpc::{self, Details, Method, COMPRESSED_FLAG};
use crate::http::{hold_open, Request, Response};
use crate::state::State;

/// How long a stalled response is held before the server gives up on the client.
const HOLD_LIMIT: Duration = Duration::from_secs(10);
/// Pause between the chunks of a split body, so that each arrives as its own read.
const CHUNK_PAUSE: Duration = Duration::from_millis(4);
/// Pause between the chunks of a body sent one byte at a time.
const BYTE_PAUSE: Duration = Duration::from_millis(1);
/// Length announced by the `huge-frame` case when its argument is empty: 64 MiB.
const HUGE_FRAME_LEN: u32 = 64 * 1024 * 1024;

/// Response headers that a cross-origin page may read besides the CORS-safelisted ones.
const EXPOSED_HEADERS: &str = "grpc-status, grpc-message, grpc-status-details-bin, x-fault-case";

/// The state of the connection after a response.
#[derive(Debug, PartialEq, Eq)]
pub enum After {
    KeepAlive,
    Close,
}

/// One POST to a case.
pub struct Call<'a> {
    pub request: &'a Request,
    pub writer: &'a mut TcpStream,
    pub reader: &'a mut BufReader<TcpStream>,
    pub state: &'a State,
    /// The case spec, which also keys the request counts.
    pub spec: &'a str,
    pub method: Method,
    /// How many POSTs the spec has had, this one included.
    pub attempt: u64,
}

/// CORS headers of every response. `expose` false leaves the gRPC status headers
/// unreadable to a cross-origin page.
pub fn cors_headers(expose: bool) -> Vec<(String, String)> {
    let mut headers = vec![("Access-Control-Allow-Origin".to_owned(), "*".to_owned())];
    if expose {
        headers.push((
            "Access-Control-Expose-Headers".to_owned(),
            EXPOSED_HEADERS.to_owned(),
        ));
    }
    headers
}

fn grpc_headers(content_type: &str) -> Vec<(String, String)> {
    let mut headers = cors_headers(true);
    headers.push(("Content-Type".to_owned(), content_type.to_owned()));
    headers
}

const GRPC_WEB: &str = "application/grpc-web+proto";

impl Call<'_> {
    /// Sends the response of the case and returns whether the connection stays usable.
    pub fn respond(self) -> io::Result<After> {
        let (name, arg) = self.spec.split_once('/').unwrap_or((self.spec, ""));
        let arg = arg.to_owned();
        let ok_body = grpc::ok_body(self.method, &[]);
        match name {
            "ok" => self.send_whole(&ok_body),
            "echo" => {
                let body = grpc::ok_body(self.method, &self.request.headers);
                self.send(GRPC_WEB, &[&body], Duration::ZERO)
            }
            "delay" => {
                sleep(Duration::from_millis(arg.parse().unwrap_or(0)));
                self.send(GRPC_WEB, &[&ok_body], Duration::ZERO)
            }
            "split" => {
                let chunks = split_at(&ok_body, &parse_points(&arg));
                self.send(GRPC_WEB, &chunks, CHUNK_PAUSE)
            }
            "bytes" => {
                let chunks: Vec<&[u8]> = ok_body.chunks(1).collect();
                self.send(GRPC_WEB, &chunks, BYTE_PAUSE)
            }
            "truncated" => {
                let cut = parse_number(&arg).min(ok_body.len());
                self.send(GRPC_WEB, &[&ok_body[..cut]], Duration::ZERO)
            }
            "cut" => {
                let cut = parse_number(&arg).min(ok_body.len());
                let mut response =
                    Response::start(self.writer, 200, &grpc_headers(GRPC_WEB), None)?;
                response.chunk(&ok_body[..cut])?;
                sleep(CHUNK_PAUSE);
                response.cut()?;
                Ok(After::Close)
            }
            "trailers-only" => {
                let code = parse_number(&arg) as u32;
                self.trailers_only(code, &format!("trailers-only status {code}"), None, true)
            }
            "status" => {
                let code = parse_number(&arg) as u32;
                let body = message_then_status(
                    self.method,
                    code,
                    &format!("status {code} from the trailer frame"),
                );
                self.send(GRPC_WEB, &[&body], Duration::ZERO)
            }
            "empty-ok" => {
                let body = grpc::trailer_frame(&[("grpc-status", "0")]);
                self.send(GRPC_WEB, &[&body], Duration::ZERO)
            }
            "no-status" => {
                let message_len = grpc::message_frame_len(self.method);
                self.send(GRPC_WEB, &[&ok_body[..message_len]], Duration::ZERO)
            }
            "conflict" => self.conflict(&arg),
            "http" => self.http_error(parse_number(&arg) as u16),
            "content-type" => {
                let body = if arg.to_ascii_lowercase().contains("grpc-web-text") {
                    grpc::text_body(&ok_body, grpc::message_frame_len(self.method))
                } else {
                    ok_body
                };
                self.send(&arg, &[&body], Duration::ZERO)
            }
            "no-content-type" => {
                Response::start(self.writer, 200, &cors_headers(true), Some(&ok_body))?;
                Ok(After::KeepAlive)
            }
            "hidden-status" => self.hidden_status(&arg == "ok"),
            "message" => self.trailers_only(3, &arg, None, false),
            "trailer-message" => {
                let mut body = grpc::frame(0, &grpc::response_message(self.method, &[]));
                body.extend(grpc::trailer_frame(&[
                    ("grpc-status", "3"),
                    ("grpc-message", &arg),
                ]));
                self.send(GRPC_WEB, &[&body], Duration::ZERO)
            }
            "details" => match Details::from_name(&arg) {
                Some(details) => self.trailers_only(8, "quota exceeded", Some(details), true),
                None => self.unknown_case(),
            },
            "huge-frame" => self.huge_frame(&arg),
            "compressed" => self.compressed(&arg),
            "text" => {
                let text = grpc::text_body(&ok_body, grpc::message_frame_len(self.method));
                let chunks = if arg == "bytes" {
                    text.chunks(1).collect()
                } else {
                    split_at(&text, &parse_points(&arg))
                };
                self.send("application/grpc-web-text", &chunks, CHUNK_PAUSE)
            }
            "stall" => self.hold(),
            "stall-headers" => {
                Response::start(self.writer, 200, &grpc_headers(GRPC_WEB), None)?;
                hold(self.reader, self.request, self.state)
            }
            "stall-body" => {
                let mut response =
                    Response::start(self.writer, 200, &grpc_headers(GRPC_WEB), None)?;
                response.chunk(&ok_body[..7])?;
                hold(self.reader, self.request, self.state)
            }
            "flaky" => self.flaky(&arg),
            _ => self.unknown_case(),
        }
    }

    /// Sends a 200 response with a `Content-Length` and the whole body in the same write
    /// as the headers, the cheapest form for the memory test's many calls.
    fn send_whole(self, body: &[u8]) -> io::Result<After> {
        Response::start(self.writer, 200, &grpc_headers(GRPC_WEB), Some(body))?;
        Ok(After::KeepAlive)
    }

    /// Sends a 200 response whose chunked body is `chunks`, with `pause` between them.
    fn send(self, content_type: &str, chunks: &[&[u8]], pause: Duration) -> io::Result<After> {
        let mut response = Response::start(self.writer, 200, &grpc_headers(content_type), None)?;
        response.chunks(chunks, pause)?;
        response.end()?;
        Ok(After::KeepAlive)
    }

    /// Sends a trailers-only response: the status in the HTTP headers and an empty body.
    fn trailers_only(
        self,
        code: u32,
        raw_message: &str,
        details: Option<Details>,
        encode_message: bool,
    ) -> io::Result<After> {
        let message = if encode_message {
            grpc::percent_encode(raw_message)
        } else {
            raw_message.to_owned()
        };
        let mut headers = grpc_headers(GRPC_WEB);
        headers.push(("grpc-status".to_owned(), code.to_string()));
        headers.push(("grpc-message".to_owned(), message));
        if let Some(details) = details {
            headers.push((
                "grpc-status-details-bin".to_owned(),
                details.header_value(code, raw_message),
            ));
        }
        Response::start(self.writer, 200, &headers, Some(&[]))?;
        Ok(After::KeepAlive)
    }

    /// `conflict/H,T`: `grpc-status: H` in the headers, then a message and a trailer
    /// frame with status T.
    fn conflict(self, arg: &str) -> io::Result<After> {
        let (header_code, trailer_code) = arg.split_once(',').unwrap_or((arg, "0"));
        let mut headers = grpc_headers(GRPC_WEB);
        headers.push(("grpc-status".to_owned(), header_code.to_owned()));
        headers.push((
            "grpc-message".to_owned(),
            "status%20from%20the%20headers".to_owned(),
        ));
        let body = message_then_status(
            self.method,
            trailer_code.parse().unwrap_or(0),
            "status from the trailer frame",
        );
        let mut response = Response::start(self.writer, 200, &headers, None)?;
        response.chunk(&body)?;
        response.end()?;
        Ok(After::KeepAlive)
    }

    /// Sends an error page as a proxy would: HTML and no grpc-status.
    fn http_error(self, status: u16) -> io::Result<After> {
        let mut headers = cors_headers(true);
        headers.push((
            "Content-Type".to_owned(),
            "text/html; charset=utf-8".to_owned(),
        ));
        let page = format!(
            "<html><head><title>{status}</title></head><body><h1>{status}</h1><p>upstream failed</p></body></html>\n"
        );
        Response::start(self.writer, status, &headers, Some(page.as_bytes()))?;
        Ok(After::KeepAlive)
    }

    /// Sends a status in a `grpc-status` header that `Access-Control-Expose-Headers`
    /// does not list, so a cross-origin page cannot read it.
    fn hidden_status(self, ok: bool) -> io::Result<After> {
        let mut headers = cors_headers(false);
        headers.push(("Content-Type".to_owned(), GRPC_WEB.to_owned()));
        let body = if ok {
            headers.push(("grpc-status".to_owned(), "0".to_owned()));
            grpc::frame(0, &grpc::response_message(self.method, &[]))
        } else {
            headers.push(("grpc-status".to_owned(), "5".to_owned()));
            headers.push(("grpc-message".to_owned(), "hidden%20not%20found".to_owned()));
            Vec::new()
        };
        Response::start(self.writer, 200, &headers, Some(&body))?;
        Ok(After::KeepAlive)
    }

    /// Announces a frame of `arg` bytes (64 MiB by default), then sends nothing more.
    fn huge_frame(self, arg: &str) -> io::Result<After> {
        let len = arg.parse().unwrap_or(HUGE_FRAME_LEN);
        let mut response = Response::start(self.writer, 200, &grpc_headers(GRPC_WEB), None)?;
        let mut header = vec![0u8];
        header.extend_from_slice(&len.to_be_bytes());
        response.chunk(&header)?;
        hold(self.reader, self.request, self.state)
    }

    /// Sends a message frame with the compressed flag, and `grpc-encoding: ARG` when given.
    fn compressed(self, encoding: &str) -> io::Result<After> {
        let mut headers = grpc_headers(GRPC_WEB);
        if !encoding.is_empty() {
            headers.push(("grpc-encoding".to_owned(), encoding.to_owned()));
        }
        let mut body = grpc::frame(COMPRESSED_FLAG, &grpc::response_message(self.method, &[]));
        body.extend(grpc::trailer_frame(&[("grpc-status", "0")]));
        let mut response = Response::start(self.writer, 200, &headers, None)?;
        response.chunk(&body)?;
        response.end()?;
        Ok(After::KeepAlive)
    }

    /// Sends the response of `flaky/FAILURES/KIND/ID`: the first FAILURES calls to this
    /// spec fail with the error that KIND names, and later ones succeed.
    fn flaky(self, arg: &str) -> io::Result<After> {
        let mut parts = arg.split('/');
        let failures: u64 = parts.next().and_then(|text| text.parse().ok()).unwrap_or(0);
        let kind = parts.next().unwrap_or("unavailable").to_owned();
        let attempt = self.attempt;
        if attempt > failures {
            let body = grpc::ok_body(self.method, &[]);
            return self.send(GRPC_WEB, &[&body], Duration::ZERO);
        }
        let message = format!("attempt {attempt} fails");
        match kind.as_str() {
            "exhausted-retry-info" => {
                self.trailers_only(8, &message, Some(Details::RetrySoon), true)
            }
            "exhausted" => self.trailers_only(8, &message, None, true),
            "internal" => self.trailers_only(13, &message, None, true),
            "http-503" => self.http_error(503),
            _ => self.trailers_only(14, &message, None, true),
        }
    }

    fn hold(self) -> io::Result<After> {
        hold(self.reader, self.request, self.state)
    }

    fn unknown_case(self) -> io::Result<After> {
        let message = format!(
            "unknown fault case {:?}; docs/faults.md lists the cases",
            self.spec
        );
        eprintln!("{message}");
        self.trailers_only(13, &message, None, true)
    }
}

/// Holds the connection open until the client closes it, and records the disconnect
/// under the request's `x-fault-id`.
fn hold(reader: &mut BufReader<TcpStream>, request: &Request, state: &State) -> io::Result<After> {
    let closed = hold_open(reader, HOLD_LIMIT)?;
    if let (true, Some(id)) = (closed, request.header("x-fault-id")) {
        state.record_disconnect(id);
    }
    Ok(After::Close)
}

/// Builds a message frame followed by a trailer frame with `code` and `message`.
fn message_then_status(method: Method, code: u32, message: &str) -> Vec<u8> {
    let mut body = grpc::frame(0, &grpc::response_message(method, &[]));
    let code = code.to_string();
    let message = grpc::percent_encode(message);
    body.extend(grpc::trailer_frame(&[
        ("grpc-status", &code),
        ("grpc-message", &message),
    ]));
    body
}

fn parse_number(text: &str) -> usize {
    text.parse().unwrap_or(0)
}

/// Split points such as `3,10`.
fn parse_points(text: &str) -> Vec<usize> {
    text.split(',')
        .filter_map(|point| point.parse().ok())
        .collect()
}

/// Splits `bytes` at each point in ascending order. Points past the end split at the end.
fn split_at<'b>(bytes: &'b [u8], points: &[usize]) -> Vec<&'b [u8]> {
    let mut points: Vec<usize> = points.iter().map(|&point| point.min(bytes.len())).collect();
    points.sort_unstable();
    let mut chunks = Vec::with_capacity(points.len() + 1);
    let mut start = 0;
    for point in points {
        chunks.push(&bytes[start..point]);
        start = point;
    }
    chunks.push(&bytes[start..]);
    chunks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_at_keeps_every_byte() {
        let bytes = b"abcdef";
        assert_eq!(split_at(bytes, &[4, 2]), [&b"ab"[..], b"cd", b"ef"]);
        assert_eq!(split_at(bytes, &[0, 9]), [&b""[..], b"abcdef", b""]);
    }
}
