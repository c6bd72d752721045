//! gRPC status codes as the JS API shows them.

use tonic::Code as TonicCode;

/// Every gRPC status code: its number, its canonical name and the lowercase name that
/// starts an error's message (`"[not_found] ..."`).
pub const CODES: [(TonicCode, &str, &str); 17] = [
    (TonicCode::Ok, "OK", "ok"),
    (TonicCode::Cancelled, "CANCELLED", "cancelled"),
    (TonicCode::Unknown, "UNKNOWN", "unknown"),
    (
        TonicCode::InvalidArgument,
        "INVALID_ARGUMENT",
        "invalid_argument",
    ),
    (
        TonicCode::DeadlineExceeded,
        "DEADLINE_EXCEEDED",
        "deadline_exceeded",
    ),
    (TonicCode::NotFound, "NOT_FOUND", "not_found"),
    (TonicCode::AlreadyExists, "ALREADY_EXISTS", "already_exists"),
    (
        TonicCode::PermissionDenied,
        "PERMISSION_DENIED",
        "permission_denied",
    ),
    (
        TonicCode::ResourceExhausted,
        "RESOURCE_EXHAUSTED",
        "resource_exhausted",
    ),
    (
        TonicCode::FailedPrecondition,
        "FAILED_PRECONDITION",
        "failed_precondition",
    ),
    (TonicCode::Aborted, "ABORTED", "aborted"),
    (TonicCode::OutOfRange, "OUT_OF_RANGE", "out_of_range"),
    (TonicCode::Unimplemented, "UNIMPLEMENTED", "unimplemented"),
    (TonicCode::Internal, "INTERNAL", "internal"),
    (TonicCode::Unavailable, "UNAVAILABLE", "unavailable"),
    (TonicCode::DataLoss, "DATA_LOSS", "data_loss"),
    (
        TonicCode::Unauthenticated,
        "UNAUTHENTICATED",
        "unauthenticated",
    ),
];

/// The canonical name of a code, such as `"NOT_FOUND"`.
pub fn code_name(code: TonicCode) -> &'static str {
    CODES[code as usize].1
}

/// The lowercase name of a code, such as `"not_found"`.
pub fn code_label(code: TonicCode) -> &'static str {
    CODES[code as usize].2
}

/// Maps the HTTP status of a response that carries no `grpc-status` to a gRPC code.
///
/// The table follows the grpc-web protocol text (PROTOCOL-WEB.md in grpc/grpc) and the
/// HTTP-to-gRPC mapping (doc/http-grpc-status-mapping.md in grpc/grpc), except that 400
/// maps to UNKNOWN like every status the table does not name: a 400 from a proxy says
/// nothing about the server's own handling of the call.
pub fn code_from_http_status(status: u16) -> TonicCode {
    match status {
        // The endpoint wants credentials that the call did not carry.
        401 => TonicCode::Unauthenticated,
        // The endpoint refuses the credentials.
        403 => TonicCode::PermissionDenied,
        // No such path: usually a wrong base URL or a proxy without the grpc-web route.
        404 => TonicCode::Unimplemented,
        // Rate limits, and load balancers without a healthy backend: worth a retry.
        429 | 502 | 503 | 504 => TonicCode::Unavailable,
        _ => TonicCode::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_table_follows_numbering() {
        for (index, (code, name, label)) in CODES.iter().enumerate() {
            assert_eq!(*code as usize, index, "{name}");
            assert_eq!(label.to_uppercase(), *name);
        }
    }

    #[test]
    fn http_status_table() {
        let cases = [
            (400, TonicCode::Unknown),
            (401, TonicCode::Unauthenticated),
            (403, TonicCode::PermissionDenied),
            (404, TonicCode::Unimplemented),
            (429, TonicCode::Unavailable),
            (500, TonicCode::Unknown),
            (502, TonicCode::Unavailable),
            (503, TonicCode::Unavailable),
            (504, TonicCode::Unavailable),
            (200, TonicCode::Unknown),
            (307, TonicCode::Unknown),
        ];
        for (status, expected) in cases {
            assert_eq!(code_from_http_status(status), expected, "HTTP {status}");
        }
    }
}
