//! The grpc-web protocol: response framing and status handling.
//!
//! Requests are sent as `application/grpc-web+proto`. Responses may be binary frames or
//! the same frames as base64 text (`application/grpc-web-text`), and the status comes in
//! the headers or in a trailer frame at the end of the body.

pub(crate) mod base64;
pub(crate) mod frame;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod properties;
pub(crate) mod response;
pub(crate) mod status;
