//! End-to-end tests of the dev server binary: native gRPC over HTTP/2, grpc-web over
//! HTTP/1.1, CORS, static files, the catalog, export and shutdown.

mod common;

use std::time::{Duration, Instant};

use base64::Engine;
use bytes::Bytes;
use http::{Method, Request, StatusCode};
use pds_backup_web::proto::backup::backup_service_client::BackupServiceClient;
use pds_backup_web::proto::backup::{
    DeleteBackupRequest, GetBackupRequest, ListBackupsRequest, ListBackupsResponse,
};
use pds_backup_web::proto::common::{sort_by, sort_order, PageBasedPaginationRequest, Sort};
use prost::Message;
use tonic::transport::Channel;
use tonic::Code;
use tonic_types::StatusExt;

use common::{frame, header, http1, parse_grpc_web, DevServer};

const TOKEN: &str = "test-token-7f3a";
const ORIGIN: &str = "http://localhost:5173";
const LIST_PATH: &str = "/public.portworx.pds.backup.v1.BackupService/ListBackups";
const GET_PATH: &str = "/public.portworx.pds.backup.v1.BackupService/GetBackup";

async fn client(server: &DevServer) -> BackupServiceClient<Channel> {
    let channel = Channel::from_shared(server.base_url())
        .unwrap()
        .connect()
        .await
        .expect("failed to connect over HTTP/2");
    BackupServiceClient::new(channel)
}

/// Wraps `message` in a request carrying the bearer token and an account id.
fn authorized<T>(message: T) -> tonic::Request<T> {
    let mut request = tonic::Request::new(message);
    let metadata = request.metadata_mut();
    metadata.insert("authorization", format!("Bearer {TOKEN}").parse().unwrap());
    metadata.insert("px-account-id", "acct-42".parse().unwrap());
    request
}

fn page(page_number: i64, page_size: i64) -> Option<PageBasedPaginationRequest> {
    Some(PageBasedPaginationRequest {
        page_number,
        page_size,
    })
}

fn grpc_web_request(path: &str, content_type: &str, body: Vec<u8>) -> Request<Bytes> {
    Request::builder()
        .method(Method::POST)
        .uri(path)
        .header("content-type", content_type)
        .header("x-grpc-web", "1")
        .header("x-user-agent", "grpc-web-test")
        .header("authorization", format!("Bearer {TOKEN}"))
        .header("px-account-id", "acct-web")
        .header("origin", ORIGIN)
        .body(Bytes::from(body))
        .unwrap()
}

#[tokio::test]
async fn grpc_list_get_delete() {
    let server = DevServer::start(&["--token", TOKEN]);
    let mut client = client(&server).await;

    let request = ListBackupsRequest {
        pagination: page(1, 10),
        sort: Some(Sort {
            sort_by: sort_by::Field::Name as i32,
            sort_order: sort_order::Value::Asc as i32,
        }),
        ..ListBackupsRequest::default()
    };
    let listed = client
        .list_backups(authorized(request))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(listed.backups.len(), 10);
    let pagination = listed.pagination.unwrap();
    assert_eq!(pagination.total_records, 2500);
    assert_eq!(pagination.total_pages, 250);
    assert_eq!(pagination.next_page, 2);
    assert_eq!(pagination.prev_page, -1);
    let names: Vec<&str> = listed
        .backups
        .iter()
        .map(|backup| backup.meta.as_ref().unwrap().name.as_str())
        .collect();
    let mut sorted_names = names.clone();
    sorted_names.sort();
    assert_eq!(names, sorted_names);

    let first = &listed.backups[0];
    let id = first.meta.as_ref().unwrap().uid.clone();
    let fetched = client
        .get_backup(authorized(GetBackupRequest { id: id.clone() }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(&fetched, first);

    client
        .delete_backup(authorized(DeleteBackupRequest { id: id.clone() }))
        .await
        .unwrap();
    let missing = client
        .get_backup(authorized(GetBackupRequest { id: id.clone() }))
        .await
        .unwrap_err();
    assert_eq!(missing.code(), Code::NotFound);
    assert!(missing.message().contains(&id), "{}", missing.message());
    let deleted_again = client
        .delete_backup(authorized(DeleteBackupRequest { id }))
        .await
        .unwrap_err();
    assert_eq!(deleted_again.code(), Code::NotFound);
}

#[tokio::test]
async fn grpc_validation_errors() {
    let server = DevServer::start(&["--token", TOKEN]);
    let mut client = client(&server).await;

    let too_large = ListBackupsRequest {
        pagination: page(1, 1001),
        ..ListBackupsRequest::default()
    };
    let status = client
        .list_backups(authorized(too_large))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert!(
        status.message().contains("maximum of 1000"),
        "{}",
        status.message()
    );
    let bad_request = status.get_details_bad_request().expect("BadRequest detail");
    assert_eq!(
        bad_request.field_violations[0].field,
        "pagination.page_size"
    );

    let empty_id = client
        .get_backup(authorized(GetBackupRequest { id: String::new() }))
        .await
        .unwrap_err();
    assert_eq!(empty_id.code(), Code::InvalidArgument);

    let past_last = ListBackupsRequest {
        pagination: page(99, 1000),
        ..ListBackupsRequest::default()
    };
    let response = client
        .list_backups(authorized(past_last))
        .await
        .unwrap()
        .into_inner();
    assert!(response.backups.is_empty());
    let pagination = response.pagination.unwrap();
    assert_eq!(pagination.next_page, -1);
    assert_eq!(pagination.prev_page, 3);
}

// Multi-threaded, so the client's connection task keeps running and acknowledges the
// server's GOAWAY while the test thread waits for the process to exit.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grpc_requires_bearer_token() {
    let mut server = DevServer::start(&["--token", TOKEN]);
    let mut client = client(&server).await;

    let missing = client
        .get_backup(GetBackupRequest { id: "x".to_owned() })
        .await
        .unwrap_err();
    assert_eq!(missing.code(), Code::Unauthenticated);
    assert!(
        missing.message().contains("missing bearer token"),
        "{}",
        missing.message()
    );

    let mut wrong = tonic::Request::new(GetBackupRequest { id: "x".to_owned() });
    wrong
        .metadata_mut()
        .insert("authorization", "Bearer guessed-value".parse().unwrap());
    let status = client.get_backup(wrong).await.unwrap_err();
    assert_eq!(status.code(), Code::Unauthenticated);
    assert!(
        status.message().contains("invalid bearer token"),
        "{}",
        status.message()
    );
    assert!(
        !status.message().contains("guessed-value"),
        "{}",
        status.message()
    );

    let stopping = Instant::now();
    let status = server.terminate();
    assert!(status.success(), "{status}");
    // The server closes an open HTTP/2 connection gracefully, well before its 5 s limit.
    assert!(
        stopping.elapsed() < Duration::from_secs(3),
        "{:?}",
        stopping.elapsed()
    );
    drop(client);
    let logs = server.stderr();
    assert!(logs.contains("Unauthenticated"), "{logs}");
    assert!(!logs.contains(TOKEN), "token in logs: {logs}");
    assert!(
        !logs.contains("guessed-value"),
        "presented token in logs: {logs}"
    );
}

#[tokio::test]
async fn grpc_web_binary_over_http1() {
    let server = DevServer::start(&["--token", TOKEN, "--allow-origin", ORIGIN]);
    let request = ListBackupsRequest {
        pagination: page(2, 3),
        ..ListBackupsRequest::default()
    };
    let body = frame(&request.encode_to_vec());

    let response = http1(
        server.port,
        grpc_web_request(LIST_PATH, "application/grpc-web+proto", body),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        header(&response, "content-type").starts_with("application/grpc-web"),
        "{:?}",
        response.headers()
    );
    assert_eq!(header(&response, "access-control-allow-origin"), ORIGIN);
    assert!(header(&response, "access-control-expose-headers").contains("grpc-status"));

    let parsed = parse_grpc_web(response.body());
    assert_eq!(parsed.trailer("grpc-status"), Some("0"), "{parsed:?}");
    assert_eq!(parsed.messages.len(), 1);
    let listed = ListBackupsResponse::decode(parsed.messages[0].clone()).unwrap();
    assert_eq!(listed.backups.len(), 3);
    let pagination = listed.pagination.unwrap();
    assert_eq!(pagination.current_page, 2);
    assert_eq!(pagination.prev_page, 1);
    assert_eq!(pagination.next_page, 3);
}

#[tokio::test]
async fn grpc_web_plain_content_type() {
    let server = DevServer::start(&[]);
    let request = ListBackupsRequest::default();
    let response = http1(
        server.port,
        grpc_web_request(
            LIST_PATH,
            "application/grpc-web",
            frame(&request.encode_to_vec()),
        ),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let parsed = parse_grpc_web(response.body());
    assert_eq!(parsed.trailer("grpc-status"), Some("0"), "{parsed:?}");
    let listed = ListBackupsResponse::decode(parsed.messages[0].clone()).unwrap();
    assert_eq!(listed.backups.len(), 50);
    assert_eq!(header(&response, "access-control-allow-origin"), "");
}

#[tokio::test]
async fn grpc_web_text_over_http1() {
    let server = DevServer::start(&["--token", TOKEN]);
    let engine = base64::engine::general_purpose::STANDARD;
    let request = ListBackupsRequest {
        pagination: page(1, 2),
        ..ListBackupsRequest::default()
    };
    let body = engine.encode(frame(&request.encode_to_vec()));

    let mut request = grpc_web_request(LIST_PATH, "application/grpc-web-text", body.into_bytes());
    // Without this header tonic-web sends the response to a text request in binary.
    request
        .headers_mut()
        .insert("accept", "application/grpc-web-text".parse().unwrap());
    let response = http1(server.port, request).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(header(&response, "content-type").starts_with("application/grpc-web-text"));

    // The server may encode each frame separately, so decode base64 chunk by chunk, each
    // ending at padding or at the end of the body.
    let text = std::str::from_utf8(response.body()).unwrap();
    let mut decoded = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let end = rest
            .find('=')
            .map(|index| index + rest[index..].chars().take_while(|c| *c == '=').count())
            .unwrap_or(rest.len());
        decoded.extend(engine.decode(&rest[..end]).unwrap());
        rest = &rest[end..];
    }
    let parsed = parse_grpc_web(&decoded);
    assert_eq!(parsed.trailer("grpc-status"), Some("0"), "{parsed:?}");
    let listed = ListBackupsResponse::decode(parsed.messages[0].clone()).unwrap();
    assert_eq!(listed.backups.len(), 2);
}

#[tokio::test]
async fn grpc_web_error_in_headers() {
    let server = DevServer::start(&["--token", TOKEN, "--allow-origin", ORIGIN]);
    let request = GetBackupRequest {
        id: "no-such-backup".to_owned(),
    };
    let response = http1(
        server.port,
        grpc_web_request(
            GET_PATH,
            "application/grpc-web+proto",
            frame(&request.encode_to_vec()),
        ),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    // A trailers-only response: the status is in the headers, which CORS must expose.
    assert_eq!(
        header(&response, "grpc-status"),
        "5",
        "{:?}",
        response.headers()
    );
    assert!(header(&response, "grpc-message").contains("no-such-backup"));
    assert_eq!(header(&response, "access-control-allow-origin"), ORIGIN);
}

#[tokio::test]
async fn cors_preflight_allows_grpc_web_headers() {
    let server = DevServer::start(&[
        "--allow-origin",
        ORIGIN,
        "--allow-origin",
        "http://other.test",
    ]);
    let requested_headers =
        "authorization,px-account-id,grpc-timeout,x-grpc-web,x-user-agent,content-type,x-custom-metadata";
    let preflight = |origin: &str| {
        Request::builder()
            .method(Method::OPTIONS)
            .uri(LIST_PATH)
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", requested_headers)
            .body(Bytes::new())
            .unwrap()
    };

    let allowed = http1(server.port, preflight(ORIGIN)).await;
    assert!(allowed.status().is_success(), "{}", allowed.status());
    assert_eq!(header(&allowed, "access-control-allow-origin"), ORIGIN);
    let methods = header(&allowed, "access-control-allow-methods");
    assert!(methods.contains("POST"), "{methods}");
    assert!(methods.contains("OPTIONS"), "{methods}");
    let allowed_headers = header(&allowed, "access-control-allow-headers").to_ascii_lowercase();
    for name in requested_headers.split(',') {
        assert!(
            allowed_headers.contains(name),
            "{name} missing from {allowed_headers}"
        );
    }
    assert!(!header(&allowed, "access-control-max-age").is_empty());

    let second = http1(server.port, preflight("http://other.test")).await;
    assert_eq!(
        header(&second, "access-control-allow-origin"),
        "http://other.test"
    );

    let foreign = http1(server.port, preflight("http://evil.test")).await;
    assert_eq!(header(&foreign, "access-control-allow-origin"), "");
}

#[tokio::test]
async fn cors_wildcard_allows_any_origin() {
    let server = DevServer::start(&["--allow-origin", "*"]);
    let preflight = Request::builder()
        .method(Method::OPTIONS)
        .uri(LIST_PATH)
        .header("origin", "http://anything.test")
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "authorization,content-type",
        )
        .body(Bytes::new())
        .unwrap();
    let response = http1(server.port, preflight).await;
    assert_eq!(header(&response, "access-control-allow-origin"), "*");
    assert!(header(&response, "access-control-allow-headers").contains("authorization"));
}

#[tokio::test]
async fn no_cors_headers_by_default() {
    let server = DevServer::start(&[]);
    let preflight = Request::builder()
        .method(Method::OPTIONS)
        .uri(LIST_PATH)
        .header("origin", ORIGIN)
        .header("access-control-request-method", "POST")
        .body(Bytes::new())
        .unwrap();
    let response = http1(server.port, preflight).await;
    assert_eq!(header(&response, "access-control-allow-origin"), "");
    assert_eq!(header(&response, "access-control-allow-methods"), "");
}

fn get(path: &str) -> Request<Bytes> {
    Request::builder().uri(path).body(Bytes::new()).unwrap()
}

#[tokio::test]
async fn static_files_and_catalog() {
    let www = tempfile::tempdir().unwrap();
    let pkg = tempfile::tempdir().unwrap();
    std::fs::write(
        www.path().join("index.html"),
        "<!doctype html><title>dash</title>",
    )
    .unwrap();
    std::fs::write(
        pkg.path().join("pds_backup_web_bg.wasm"),
        b"\0asm\x01\0\0\0",
    )
    .unwrap();
    std::fs::write(pkg.path().join("pds_backup_web.js"), "export default 1;").unwrap();
    let server = DevServer::start(&[
        "--www",
        www.path().to_str().unwrap(),
        "--pkg",
        pkg.path().to_str().unwrap(),
    ]);

    let index = http1(server.port, get("/")).await;
    assert_eq!(index.status(), StatusCode::OK);
    assert!(header(&index, "content-type").starts_with("text/html"));
    assert_eq!(header(&index, "cache-control"), "no-store");
    assert!(index.body().starts_with(b"<!doctype html>"));

    let wasm = http1(server.port, get("/pkg/pds_backup_web_bg.wasm")).await;
    assert_eq!(wasm.status(), StatusCode::OK);
    assert_eq!(header(&wasm, "content-type"), "application/wasm");
    assert_eq!(header(&wasm, "cache-control"), "no-store");
    assert_eq!(wasm.body().as_ref(), b"\0asm\x01\0\0\0");

    let script = http1(server.port, get("/pkg/pds_backup_web.js")).await;
    assert_eq!(script.status(), StatusCode::OK);
    assert_eq!(header(&script, "content-type"), "text/javascript");

    let missing = http1(server.port, get("/missing.html")).await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);

    let catalog = http1(server.port, get("/devserver/catalog.json")).await;
    assert_eq!(catalog.status(), StatusCode::OK);
    assert_eq!(header(&catalog, "content-type"), "application/json");
    assert_eq!(header(&catalog, "cache-control"), "no-store");
    let catalog: serde_json::Value = serde_json::from_slice(catalog.body()).unwrap();
    assert_eq!(catalog["deployments"].as_array().unwrap().len(), 12);
    assert_eq!(catalog["targetClusters"].as_array().unwrap().len(), 4);
    assert_eq!(catalog["namespaces"].as_array().unwrap().len(), 8);
    let configs = catalog["backupConfigs"].as_array().unwrap();
    assert_eq!(configs.len(), 24);
    assert!(configs[0]["deploymentId"].is_string());
    assert!(configs[0]["name"].is_string());
    assert_eq!(catalog["maxPageSize"], 1000);
    assert_eq!(catalog["defaultPageSize"], 50);
}

#[tokio::test]
async fn root_is_404_without_www() {
    let server = DevServer::start(&[]);
    let response = http1(server.port, get("/")).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn latency_delays_each_rpc() {
    let server = DevServer::start(&["--latency-ms", "300"]);
    let mut client = client(&server).await;

    let started = Instant::now();
    client
        .list_backups(ListBackupsRequest::default())
        .await
        .unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(300),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn grpc_timeout_gives_deadline_exceeded() {
    // Sent over grpc-web because tonic's own client enforces the timeout as well and
    // reports CANCELLED when its timer fires first.
    let server = DevServer::start(&["--latency-ms", "2000", "--token", TOKEN]);
    let request = ListBackupsRequest::default();
    let mut http_request = grpc_web_request(
        LIST_PATH,
        "application/grpc-web+proto",
        frame(&request.encode_to_vec()),
    );
    http_request
        .headers_mut()
        .insert("grpc-timeout", "100m".parse().unwrap());

    let started = Instant::now();
    let response = http1(server.port, http_request).await;
    assert!(
        started.elapsed() < Duration::from_millis(1500),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(
        header(&response, "grpc-status"),
        "4",
        "{:?}",
        response.headers()
    );
    assert!(header(&response, "grpc-message").contains("grpc-timeout"));
}

#[tokio::test]
async fn markup_backups_are_listed_first() {
    let server = DevServer::start(&["--seed-markup"]);
    let mut client = client(&server).await;
    let listed = client
        .list_backups(ListBackupsRequest::default())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(listed.pagination.unwrap().total_records, 2503);
    let names: Vec<&str> = listed
        .backups
        .iter()
        .take(3)
        .map(|backup| backup.meta.as_ref().unwrap().name.as_str())
        .collect();
    assert!(
        names
            .iter()
            .any(|name| name.contains("<img src=x onerror=alert(1)>")),
        "{names:?}"
    );
    assert!(
        names
            .iter()
            .any(|name| name.contains("<script>alert(1)</script>")),
        "{names:?}"
    );
}

#[test]
fn sigterm_stops_cleanly() {
    let mut server = DevServer::start(&[]);
    let status = server.terminate();
    assert!(status.success(), "{status}");
    let logs = server.stderr();
    assert!(logs.contains("dev server started"), "{logs}");
    assert!(logs.contains("dev server stopped"), "{logs}");
    assert_eq!(server.stdout_after_startup(), "");
}

#[test]
fn export_json_is_deterministic() {
    let dir = tempfile::tempdir().unwrap();
    let export = |name: &str| {
        let path = dir.path().join(name);
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_pds-devserver"))
            .args(["--records", "200", "--seed", "9", "--export-json"])
            .arg(&path)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(output.stdout.is_empty(), "export printed to stdout");
        std::fs::read(&path).unwrap()
    };

    let first = export("first.json");
    let second = export("second.json");
    assert_eq!(first, second);

    let backups: Vec<serde_json::Value> = serde_json::from_slice(&first).unwrap();
    assert_eq!(backups.len(), 200);
    let create_time = backups[0]["meta"]["createTime"].as_str().unwrap();
    assert!(create_time.ends_with('Z'), "{create_time}");
}

#[test]
fn missing_www_directory_fails() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_pds-devserver"))
        .args([
            "--addr",
            "127.0.0.1:0",
            "--www",
            "/nonexistent/pds-devserver-www",
        ])
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("is not a directory"), "{stderr}");
}
