//! The grpc-web protocol: response framing, status handling and the fetch transport.
//!
//! Written from the grpc-web protocol text (PROTOCOL-WEB.md in grpc/grpc). Requests are
//! sent as `application/grpc-web+proto`; responses may be binary or base64 text.

pub(crate) mod base64;
pub(crate) mod frame;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod properties;
pub(crate) mod response;
pub(crate) mod status;
