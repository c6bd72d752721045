//! The HTTP router: BackupService over gRPC and grpc-web, the dev server catalog, static
//! files and CORS.
//!
//! Routes:
//! - `POST /public.portworx.pds.backup.v1.BackupService/<Method>`: gRPC over HTTP/2, or
//!   grpc-web (binary or text) over HTTP/1.1 or HTTP/2.
//! - `GET /devserver/catalog.json`: the seeded topology, for pickers in the dashboard.
//! - `GET /pkg/...`: the wasm package directory given with `--pkg`.
//! - `GET /...`: the dashboard directory given with `--www`, with `index.html` for
//!   directories.

use std::path::PathBuf;
use std::time::Duration;

use axum::body::Body;
use axum::extract::Request;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use bytes::Bytes;
use http::header::{CACHE_CONTROL, CONTENT_TYPE};
use http::{HeaderName, HeaderValue, Method, StatusCode};
use serde::Serialize;
use tonic_web::GrpcWebLayer;
use tower::{Layer, ServiceBuilder};
use tower_http::cors::{AllowHeaders, AllowOrigin, CorsLayer};
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::auth::BearerAuth;
use crate::catalog::Catalog;
use crate::deadline::DeadlineLayer;
use crate::rpc_log::RpcLogLayer;
use crate::service::{BackupApi, BackupServiceServer};

/// Route of every BackupService method.
const SERVICE_ROUTE: &str = "/public.portworx.pds.backup.v1.BackupService/{*method}";

/// Route of the catalog JSON.
const CATALOG_ROUTE: &str = "/devserver/catalog.json";

/// Maximum size of an RPC request body, in bytes: 4 MiB, tonic's default limit on a
/// decoded message.
const MAX_REQUEST_BYTES: usize = 4 * 1024 * 1024;

/// Maximum time a browser may cache a CORS preflight response.
const PREFLIGHT_MAX_AGE: Duration = Duration::from_secs(600);

/// Response headers that cross-origin scripts may read: the gRPC status of trailers-only
/// responses, which grpc-web clients read from the headers.
const EXPOSED_HEADERS: [&str; 3] = ["grpc-status", "grpc-message", "grpc-status-details-bin"];

/// Everything the router serves.
#[derive(Debug)]
pub struct RouterConfig {
    /// BackupService handlers.
    pub api: BackupApi,
    /// Bearer token check applied to every RPC.
    pub auth: BearerAuth,
    /// Topology served as the catalog.
    pub catalog: Catalog,
    /// Page size of a ListBackups request that sets none, reported in the catalog.
    pub default_page_size: i64,
    /// Maximum page size of a ListBackups request, reported in the catalog.
    pub max_page_size: i64,
    /// Directory served at `/`, if any.
    pub www: Option<PathBuf>,
    /// Directory served at `/pkg/`, if any.
    pub pkg: Option<PathBuf>,
    /// Origins of pages allowed to call from another origin. An empty list sends no CORS
    /// headers, and `*` allows any origin.
    pub allowed_origins: Vec<HeaderValue>,
}

/// Body of `GET /devserver/catalog.json`: the topology and the page size limits, so a
/// dashboard can offer ids in pickers and keep page sizes within the maximum.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CatalogDocument<'a> {
    #[serde(flatten)]
    catalog: &'a Catalog,
    default_page_size: i64,
    max_page_size: i64,
}

/// Builds the router for `config`.
pub fn router(config: RouterConfig) -> Result<Router, serde_json::Error> {
    let grpc = ServiceBuilder::new()
        .layer(middleware::from_fn(read_request_body))
        .layer(GrpcWebLayer::new())
        .layer(RpcLogLayer)
        .layer(DeadlineLayer)
        .service(BackupServiceServer::with_interceptor(
            config.api,
            config.auth,
        ));

    let catalog_json = Bytes::from(serde_json::to_vec(&CatalogDocument {
        catalog: &config.catalog,
        default_page_size: config.default_page_size,
        max_page_size: config.max_page_size,
    })?);
    let catalog_handler = get(move || {
        let body = catalog_json.clone();
        async move {
            (
                [
                    (CONTENT_TYPE, HeaderValue::from_static("application/json")),
                    (CACHE_CONTROL, HeaderValue::from_static("no-store")),
                ],
                body,
            )
        }
    });

    let mut router = Router::new()
        .route_service(SERVICE_ROUTE, grpc)
        .route(CATALOG_ROUTE, catalog_handler);
    if let Some(pkg) = config.pkg {
        router = router.nest_service("/pkg", no_store(ServeDir::new(pkg)));
    }
    router = match config.www {
        Some(www) => router.fallback_service(no_store(ServeDir::new(www))),
        None => router.fallback(|| async {
            (
                StatusCode::NOT_FOUND,
                "not found: this dev server serves no files at / because it was started \
                 without --www\n",
            )
        }),
    };
    if let Some(cors) = cors_layer(&config.allowed_origins) {
        router = router.layer(cors);
    }
    Ok(router)
}

/// Reads the whole request body before the gRPC stack handles the request.
///
/// The token check rejects a call from its headers alone. hyper closes an HTTP/1.1
/// connection whose request body was not read, so without this a client that was still
/// sending the body got EPIPE or a reset instead of the UNAUTHENTICATED status. Every
/// BackupService RPC is unary, so buffering the request costs no streaming.
async fn read_request_body(request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    match axum::body::to_bytes(body, MAX_REQUEST_BYTES).await {
        Ok(bytes) => next.run(Request::from_parts(parts, Body::from(bytes))).await,
        Err(error) => {
            tracing::warn!(path = parts.uri.path(), %error, "failed to read the request body");
            (
                StatusCode::BAD_REQUEST,
                format!(
                    "failed to read the request body: {error}; a request may have at most \
                     {MAX_REQUEST_BYTES} bytes\n"
                ),
            )
                .into_response()
        }
    }
}

/// Adds `Cache-Control: no-store`, so a browser always loads the files just built.
fn no_store<S>(service: S) -> tower_http::set_header::SetResponseHeader<S, HeaderValue> {
    SetResponseHeaderLayer::overriding(CACHE_CONTROL, HeaderValue::from_static("no-store"))
        .layer(service)
}

/// Builds the CORS layer, or `None` when no origin is allowed.
///
/// Request headers are mirrored from the preflight, because a grpc-web client sends
/// `authorization`, `px-account-id`, `grpc-timeout`, `x-grpc-web`, `x-user-agent`,
/// `content-type` and any other metadata as headers, and the `*` wildcard of
/// `Access-Control-Allow-Headers` does not cover `authorization` (MDN,
/// Access-Control-Allow-Headers).
pub fn cors_layer(allowed_origins: &[HeaderValue]) -> Option<CorsLayer> {
    if allowed_origins.is_empty() {
        return None;
    }
    let allow_origin = if allowed_origins.iter().any(|origin| origin == "*") {
        AllowOrigin::any()
    } else {
        AllowOrigin::list(allowed_origins.iter().cloned())
    };
    Some(
        CorsLayer::new()
            .allow_origin(allow_origin)
            .allow_methods([Method::POST, Method::OPTIONS])
            .allow_headers(AllowHeaders::mirror_request())
            .expose_headers(EXPOSED_HEADERS.map(HeaderName::from_static))
            .max_age(PREFLIGHT_MAX_AGE),
    )
}
