//! Routing of one request: CORS preflights, the `/control/` endpoints and the cases.

use std::io::{self, BufReader};
use std::net::TcpStream;

use crate::cases::{cors_headers, After, Call};
use crate::grpc::{self, Method};
use crate::http::{percent_decode, Request, Response};
use crate::state::State;

/// The first path segment of the BackupService; the case spec ends before it.
const SERVICE_PREFIX: &str = "public.portworx.";

/// Answers one request.
pub fn route(
    request: &Request,
    writer: &mut TcpStream,
    reader: &mut BufReader<TcpStream>,
    state: &State,
) -> io::Result<After> {
    if request.method == "OPTIONS" {
        if let Some((spec, _)) = case_from_path(&request.path) {
            state.record_preflight(&spec);
        }
        return preflight(request, writer);
    }
    if request.method == "GET" && request.path.starts_with("/control/") {
        return control(request, writer, state);
    }
    if request.method != "POST" {
        return plain(
            writer,
            405,
            "only POST, OPTIONS and GET /control/ are served\n",
        );
    }

    let Some((path_spec, method_name)) = case_from_path(&request.path) else {
        return plain(writer, 404, "expected /case/NAME/<service>/<method>\n");
    };
    let spec = request
        .header("x-fault-case")
        .map_or(path_spec, str::to_owned);
    let attempt = state.record_post(&spec);
    if let Some(id) = request.header("x-fault-id") {
        state.record_request(id, request.header("grpc-timeout"));
    }
    let Some(method) = Method::from_name(&method_name) else {
        return plain(writer, 404, "unknown BackupService method\n");
    };
    Call {
        request,
        writer,
        reader,
        state,
        spec: &spec,
        method,
        attempt,
    }
    .respond()
}

/// Splits `/case/SPEC.../public.portworx.../Method` into the percent-decoded spec and
/// the method name.
fn case_from_path(path: &str) -> Option<(String, String)> {
    let rest = path.strip_prefix("/case/")?;
    let segments: Vec<&str> = rest.split('/').collect();
    let service = segments
        .iter()
        .position(|segment| segment.starts_with(SERVICE_PREFIX))?;
    let spec = segments[..service]
        .iter()
        .map(|segment| percent_decode(segment))
        .collect::<Vec<_>>()
        .join("/");
    let method = segments.get(service + 1)?;
    Some((spec, (*method).to_owned()))
}

/// Allows any origin, the POST method and every header the browser asks for. The
/// answer is cached for 10 minutes, so a test's calls to one URL need one preflight.
fn preflight(request: &Request, writer: &mut TcpStream) -> io::Result<After> {
    let mut headers = cors_headers(true);
    headers.push((
        "Access-Control-Allow-Methods".to_owned(),
        "POST, GET, OPTIONS".to_owned(),
    ));
    if let Some(asked) = request.header("access-control-request-headers") {
        headers.push(("Access-Control-Allow-Headers".to_owned(), asked.to_owned()));
    }
    headers.push(("Access-Control-Max-Age".to_owned(), "600".to_owned()));
    Response::start(writer, 204, &headers, Some(&[]))?;
    Ok(After::KeepAlive)
}

/// The control endpoints, which report what the server saw:
///
/// - `/control/count?case=SPEC`: POSTs and preflights of a case, and the gaps between
///   its POSTs in milliseconds.
/// - `/control/seen?id=ID`: requests with `x-fault-id: ID`, whether the client closed
///   the connection of a held response, and the last `grpc-timeout` received.
/// - `/control/closed-port`: a port on 127.0.0.1 where nothing listens.
/// - `/control/body?method=NAME`: byte lengths of the OK body of a method.
fn control(request: &Request, writer: &mut TcpStream, state: &State) -> io::Result<After> {
    let json = match request.path.as_str() {
        "/control/count" => state.case_json(&request.query_param("case").unwrap_or_default()),
        "/control/seen" => state.id_json(&request.query_param("id").unwrap_or_default()),
        "/control/closed-port" => format!(r#"{{"port":{}}}"#, state.closed_port),
        "/control/body" => {
            let name = request.query_param("method").unwrap_or_default();
            let Some(method) = Method::from_name(&name) else {
                return plain(writer, 404, "unknown method\n");
            };
            let body = grpc::ok_body(method, &[]);
            let message_len = grpc::message_frame_len(method);
            let text_len = grpc::text_body(&body, message_len).len();
            format!(
                r#"{{"len":{},"messageFrameLen":{message_len},"textLen":{text_len}}}"#,
                body.len()
            )
        }
        _ => return plain(writer, 404, "unknown control endpoint\n"),
    };
    let mut headers = cors_headers(true);
    headers.push(("Content-Type".to_owned(), "application/json".to_owned()));
    headers.push(("Cache-Control".to_owned(), "no-store".to_owned()));
    Response::start(writer, 200, &headers, Some(json.as_bytes()))?;
    Ok(After::KeepAlive)
}

fn plain(writer: &mut TcpStream, status: u16, text: &str) -> io::Result<After> {
    let mut headers = cors_headers(true);
    headers.push(("Content-Type".to_owned(), "text/plain".to_owned()));
    Response::start(writer, status, &headers, Some(text.as_bytes()))?;
    Ok(After::KeepAlive)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_path_gives_spec_and_method() {
        assert_eq!(
            case_from_path(
                "/case/split/3,10/public.portworx.pds.backup.v1.BackupService/GetBackup"
            ),
            Some(("split/3,10".to_owned(), "GetBackup".to_owned()))
        );
        assert_eq!(
            case_from_path("/case/content-type/text%2Fhtml/public.portworx.x/ListBackups"),
            Some((
                "content-type/text/html".to_owned(),
                "ListBackups".to_owned()
            ))
        );
        assert_eq!(case_from_path("/other/public.portworx.x/GetBackup"), None);
    }
}
