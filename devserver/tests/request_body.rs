//! The dev server reads a request's whole body before it responds. A client that sends the
//! body after the headers, as Connect-ES for Node does, then gets the gRPC status and keeps
//! a usable HTTP/1.1 connection, instead of an EPIPE on a connection closed under it.

#[allow(dead_code)] // This file uses only some of the shared helpers.
mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use common::{frame, DevServer};

const LIST_PATH: &str = "/public.portworx.pds.backup.v1.BackupService/ListBackups";

/// Sends a grpc-web ListBackups request without a token over `stream`, the headers first
/// and the empty message `body_delay` later, and returns the response head.
fn send_unauthenticated(stream: &mut TcpStream, body_delay: Duration) -> String {
    let body = frame(&[]);
    let head = format!(
        "POST {LIST_PATH} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/grpc-web+proto\r\n\
         x-grpc-web: 1\r\ncontent-length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    std::thread::sleep(body_delay);
    stream
        .write_all(&body)
        .expect("sending the body failed: the server closed the connection before reading it");

    // A trailers-only response has no body (content-length: 0), so it ends with its blank
    // line.
    let mut response = Vec::new();
    let mut byte = [0u8; 1];
    while !response.ends_with(b"\r\n\r\n") {
        let count = stream.read(&mut byte).expect("the server reset the connection");
        assert_eq!(
            count,
            1,
            "the server closed the connection after {:?}",
            String::from_utf8_lossy(&response)
        );
        response.push(byte[0]);
    }
    String::from_utf8(response).unwrap()
}

#[test]
fn rejection_waits_for_request_body() {
    let server = DevServer::start(&["--token", "request-body-token"]);
    let mut stream = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();

    // The second request only succeeds if the first left the connection open.
    for attempt in 1..=2 {
        let head = send_unauthenticated(&mut stream, Duration::from_millis(200));
        assert!(head.starts_with("HTTP/1.1 200 OK\r\n"), "attempt {attempt}: {head}");
        assert!(head.contains("\r\ngrpc-status: 16\r\n"), "attempt {attempt}: {head}");
    }
}
