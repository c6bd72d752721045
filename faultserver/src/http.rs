//! Just enough HTTP/1.1 for the fault cases: request heads with a `Content-Length` body,
//! and responses written byte for byte, with each chunk of a chunked body flushed on its
//! own so that the browser receives it as a separate read.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::time::{Duration, Instant};

/// Largest request head accepted, in bytes.
const MAX_HEAD_BYTES: usize = 64 * 1024;
/// Largest request body accepted, in bytes. Client requests are a few hundred bytes.
const MAX_BODY_BYTES: usize = 1024 * 1024;

/// One parsed request.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    /// The path without the query, still percent-encoded.
    pub path: String,
    /// The query string without the `?`.
    pub query: String,
    /// Header names lowercased, in the order received.
    pub headers: Vec<(String, String)>,
}

impl Request {
    /// The first value of a header, by its lowercase name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// The percent-decoded value of a query parameter.
    pub fn query_param(&self, name: &str) -> Option<String> {
        self.query.split('&').find_map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (key == name).then(|| percent_decode(&value.replace('+', " ")))
        })
    }
}

/// Reads the next request on a connection. Returns `None` when the client closed the
/// connection between requests.
pub fn read_request(reader: &mut BufReader<TcpStream>) -> io::Result<Option<Request>> {
    let mut head = Vec::new();
    loop {
        let before = head.len();
        let read = reader.read_until(b'\n', &mut head)?;
        if read == 0 {
            return if head.is_empty() {
                Ok(None)
            } else {
                Err(invalid_data("connection closed inside a request head"))
            };
        }
        if head.len() > MAX_HEAD_BYTES {
            return Err(invalid_data("request head exceeds 64 KiB"));
        }
        let line = &head[before..];
        if line == b"\r\n" || line == b"\n" {
            if before == 0 {
                // A blank line before the request line is allowed and skipped.
                head.clear();
                continue;
            }
            break;
        }
    }

    let text = String::from_utf8_lossy(&head);
    let mut lines = text.lines();
    let request_line = lines.next().unwrap_or_default();
    let mut parts = request_line.split_whitespace();
    let (Some(method), Some(target)) = (parts.next(), parts.next()) else {
        return Err(invalid_data("malformed request line"));
    };
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .collect();

    let length = headers
        .iter()
        .find(|(name, _)| name == "content-length")
        .map(|(_, value)| value.parse::<usize>())
        .transpose()
        .map_err(|_| invalid_data("invalid Content-Length"))?
        .unwrap_or(0);
    if length > MAX_BODY_BYTES {
        return Err(invalid_data("request body exceeds 1 MiB"));
    }
    // No case depends on the request message, so the body is read and dropped.
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;

    Ok(Some(Request {
        method: method.to_owned(),
        path: path.to_owned(),
        query: query.to_owned(),
        headers,
    }))
}

fn invalid_data(message: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message)
}

/// Decodes `%XX` escapes. Invalid escapes and invalid UTF-8 are kept as they are.
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let escaped = (bytes[index] == b'%')
            .then(|| bytes.get(index + 1..index + 3))
            .flatten()
            .and_then(|hex| std::str::from_utf8(hex).ok())
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match escaped {
            Some(byte) => {
                out.push(byte);
                index += 3;
            }
            None => {
                out.push(bytes[index]);
                index += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_owned())
}

/// The reason phrase of the status codes that the cases send.
fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        204 => "No Content",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    }
}

/// Writes one response onto a connection.
pub struct Response<'a> {
    stream: &'a mut TcpStream,
    chunked: bool,
}

impl<'a> Response<'a> {
    /// Writes the status line and headers. With `body` set, the body follows with a
    /// `Content-Length` and the response is complete. Without it, the body is chunked:
    /// send it with [`Self::chunk`] and end it with [`Self::end`].
    pub fn start(
        stream: &'a mut TcpStream,
        status: u16,
        headers: &[(String, String)],
        body: Option<&[u8]>,
    ) -> io::Result<Self> {
        let mut head = format!("HTTP/1.1 {status} {}\r\n", reason(status));
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        match body {
            Some(body) => head.push_str(&format!("Content-Length: {}\r\n\r\n", body.len())),
            None => head.push_str("Transfer-Encoding: chunked\r\n\r\n"),
        }
        let mut bytes = head.into_bytes();
        bytes.extend_from_slice(body.unwrap_or_default());
        stream.write_all(&bytes)?;
        stream.flush()?;
        Ok(Self {
            stream,
            chunked: body.is_none(),
        })
    }

    /// Sends one chunk of a chunked body and flushes it. An empty chunk is skipped,
    /// because a zero-length chunk ends the body.
    pub fn chunk(&mut self, bytes: &[u8]) -> io::Result<()> {
        debug_assert!(self.chunked, "chunk() on a response with Content-Length");
        if bytes.is_empty() {
            return Ok(());
        }
        let mut frame = format!("{:x}\r\n", bytes.len()).into_bytes();
        frame.extend_from_slice(bytes);
        frame.extend_from_slice(b"\r\n");
        self.stream.write_all(&frame)?;
        self.stream.flush()
    }

    /// Sends the chunks with `pause` between them.
    pub fn chunks(&mut self, chunks: &[&[u8]], pause: Duration) -> io::Result<()> {
        for (index, chunk) in chunks.iter().enumerate() {
            if index > 0 && !pause.is_zero() {
                std::thread::sleep(pause);
            }
            self.chunk(chunk)?;
        }
        Ok(())
    }

    /// Ends a chunked body cleanly, so the connection can carry the next request.
    pub fn end(self) -> io::Result<()> {
        if self.chunked {
            self.stream.write_all(b"0\r\n\r\n")?;
            self.stream.flush()?;
        }
        Ok(())
    }

    /// Closes the connection without ending the body, as a crashed server or a cut
    /// connection would.
    pub fn cut(self) -> io::Result<()> {
        self.stream.shutdown(Shutdown::Both)
    }
}

/// Keeps a connection open without answering until the client closes it or `limit`
/// passes. Returns true when the client closed it.
pub fn hold_open(reader: &mut BufReader<TcpStream>, limit: Duration) -> io::Result<bool> {
    let started = Instant::now();
    reader
        .get_ref()
        .set_read_timeout(Some(Duration::from_millis(20)))?;
    let mut buffer = [0u8; 512];
    let closed = loop {
        if started.elapsed() >= limit {
            break false;
        }
        match reader.read(&mut buffer) {
            Ok(0) => break true,
            // The client sends nothing while it waits for this response; ignore stray bytes.
            Ok(_) => {}
            Err(error)
                if matches!(
                    error.kind(),
                    io::ErrorKind::WouldBlock
                        | io::ErrorKind::TimedOut
                        | io::ErrorKind::Interrupted
                ) => {}
            Err(_) => break true,
        }
    };
    reader.get_ref().set_read_timeout(None)?;
    Ok(closed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_decode_keeps_invalid_escapes() {
        assert_eq!(percent_decode("a%2Fb%20c"), "a/b c");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("50%zz"), "50%zz");
        assert_eq!(percent_decode("%FF"), "%FF");
    }
}
