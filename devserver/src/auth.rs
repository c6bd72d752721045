//! Bearer token check for every RPC, as a tonic interceptor.

use std::fmt;
use std::sync::Arc;

use subtle::ConstantTimeEq;
use tonic::service::Interceptor;
use tonic::{Request, Status};

/// Requires `authorization: Bearer <token>` when a token is configured, and lets every
/// request through otherwise.
#[derive(Clone)]
pub struct BearerAuth {
    token: Option<Arc<[u8]>>,
}

impl BearerAuth {
    /// Creates the check. `None` disables it.
    pub fn new(token: Option<&str>) -> Self {
        Self {
            token: token.map(|token| Arc::from(token.as_bytes())),
        }
    }

    fn check(&self, authorization: Option<&[u8]>) -> Result<(), Status> {
        let Some(expected) = &self.token else {
            return Ok(());
        };
        let Some(value) = authorization else {
            return Err(Status::unauthenticated(
                "missing bearer token: send the metadata `authorization: Bearer <token>` \
                 with the token the dev server was started with (--token)",
            ));
        };
        let presented = strip_bearer(value).ok_or_else(|| {
            Status::unauthenticated(
                "missing bearer token: the authorization metadata does not use the Bearer \
                 scheme; send `authorization: Bearer <token>`",
            )
        })?;
        // NOTE: `ct_eq` returns early when the lengths differ, so the token's length is
        // not hidden; the comparison of equal-length values is constant time.
        if bool::from(expected.as_ref().ct_eq(presented)) {
            Ok(())
        } else {
            Err(Status::unauthenticated(
                "invalid bearer token: it does not match the token the dev server was started \
                 with (--token)",
            ))
        }
    }
}

/// Returns the credentials after a case-insensitive `Bearer` scheme and its spaces.
fn strip_bearer(value: &[u8]) -> Option<&[u8]> {
    const SCHEME: &[u8] = b"bearer ";
    if value.len() < SCHEME.len() || !value[..SCHEME.len()].eq_ignore_ascii_case(SCHEME) {
        return None;
    }
    let credentials = &value[SCHEME.len()..];
    let start = credentials.iter().position(|byte| *byte != b' ')?;
    Some(&credentials[start..])
}

impl Interceptor for BearerAuth {
    fn call(&mut self, request: Request<()>) -> Result<Request<()>, Status> {
        let authorization = request
            .metadata()
            .get("authorization")
            .map(|value| value.as_bytes());
        self.check(authorization)?;
        Ok(request)
    }
}

impl fmt::Debug for BearerAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BearerAuth")
            .field("enabled", &self.token.is_some())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use tonic::Code;

    use super::*;

    fn check(auth: &BearerAuth, header: Option<&str>) -> Result<(), Status> {
        auth.check(header.map(str::as_bytes))
    }

    #[test]
    fn disabled_accepts_anything() {
        let auth = BearerAuth::new(None);
        assert!(check(&auth, None).is_ok());
        assert!(check(&auth, Some("Bearer whatever")).is_ok());
    }

    #[test]
    fn accepts_matching_token() {
        let auth = BearerAuth::new(Some("s3cret"));
        assert!(check(&auth, Some("Bearer s3cret")).is_ok());
        assert!(check(&auth, Some("bearer s3cret")).is_ok());
        assert!(check(&auth, Some("BEARER   s3cret")).is_ok());
    }

    #[test]
    fn rejects_missing_credentials() {
        let auth = BearerAuth::new(Some("s3cret"));
        for header in [None, Some("Basic s3cret"), Some("Bearer "), Some("Bearer")] {
            let status = check(&auth, header).unwrap_err();
            assert_eq!(status.code(), Code::Unauthenticated, "{header:?}");
            assert!(
                status.message().starts_with("missing bearer token"),
                "{header:?}: {}",
                status.message()
            );
        }
    }

    #[test]
    fn rejects_wrong_token_without_echo() {
        let auth = BearerAuth::new(Some("s3cret"));
        for presented in ["Bearer wrong", "Bearer s3cret2", "Bearer s3cre"] {
            let status = check(&auth, Some(presented)).unwrap_err();
            assert_eq!(status.code(), Code::Unauthenticated, "{presented}");
            assert!(!status.message().contains("wrong"), "{}", status.message());
            assert!(!status.message().contains("s3cre"), "{}", status.message());
        }
    }

    #[test]
    fn debug_hides_token() {
        let text = format!("{:?}", BearerAuth::new(Some("s3cret")));
        assert!(!text.contains("s3cret"), "{text}");
    }
}
