//! gRPC status codes.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen::prelude::*;

/// gRPC status codes, exported to JS as `Code` for comparisons such as
/// `err.code === Code.NOT_FOUND`.
#[cfg_attr(target_arch = "wasm32", wasm_bindgen)]
#[allow(non_camel_case_types, clippy::upper_case_acronyms)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(i32)]
pub enum Code {
    OK = 0,
    CANCELLED = 1,
    UNKNOWN = 2,
    INVALID_ARGUMENT = 3,
    DEADLINE_EXCEEDED = 4,
    NOT_FOUND = 5,
    ALREADY_EXISTS = 6,
    PERMISSION_DENIED = 7,
    RESOURCE_EXHAUSTED = 8,
    FAILED_PRECONDITION = 9,
    ABORTED = 10,
    OUT_OF_RANGE = 11,
    UNIMPLEMENTED = 12,
    INTERNAL = 13,
    UNAVAILABLE = 14,
    DATA_LOSS = 15,
    UNAUTHENTICATED = 16,
}

/// Every code in numeric order with its canonical name.
const NAMES: [(Code, &str); 17] = [
    (Code::OK, "OK"),
    (Code::CANCELLED, "CANCELLED"),
    (Code::UNKNOWN, "UNKNOWN"),
    (Code::INVALID_ARGUMENT, "INVALID_ARGUMENT"),
    (Code::DEADLINE_EXCEEDED, "DEADLINE_EXCEEDED"),
    (Code::NOT_FOUND, "NOT_FOUND"),
    (Code::ALREADY_EXISTS, "ALREADY_EXISTS"),
    (Code::PERMISSION_DENIED, "PERMISSION_DENIED"),
    (Code::RESOURCE_EXHAUSTED, "RESOURCE_EXHAUSTED"),
    (Code::FAILED_PRECONDITION, "FAILED_PRECONDITION"),
    (Code::ABORTED, "ABORTED"),
    (Code::OUT_OF_RANGE, "OUT_OF_RANGE"),
    (Code::UNIMPLEMENTED, "UNIMPLEMENTED"),
    (Code::INTERNAL, "INTERNAL"),
    (Code::UNAVAILABLE, "UNAVAILABLE"),
    (Code::DATA_LOSS, "DATA_LOSS"),
    (Code::UNAUTHENTICATED, "UNAUTHENTICATED"),
];

impl Code {
    /// Returns the code with this number, or `None` outside 0 to 16.
    pub fn from_number(number: u32) -> Option<Code> {
        NAMES.get(number as usize).map(|(code, _)| *code)
    }

    /// Returns the canonical name, such as `"NOT_FOUND"`.
    pub fn name(self) -> &'static str {
        NAMES[self as usize].1
    }

    /// Maps the HTTP status of a response that carries no `grpc-status` to a gRPC code.
    ///
    /// The table is gRPC's HTTP-to-gRPC status mapping, as tonic 0.14's `infer_grpc_status`
    /// also applies it, except that 400 maps to UNKNOWN like every status the table does not
    /// name. A 400 from a proxy tells nothing about the server's own handling of the call.
    pub fn from_http_status(status: u16) -> Code {
        match status {
            // The endpoint wants credentials that the call did not carry.
            401 => Code::UNAUTHENTICATED,
            // The endpoint refuses the credentials.
            403 => Code::PERMISSION_DENIED,
            // No such path: usually a wrong base URL or a proxy without the grpc-web route.
            404 => Code::UNIMPLEMENTED,
            // Rate limits, and load balancers without a healthy backend: worth a retry.
            429 | 502 | 503 | 504 => Code::UNAVAILABLE,
            _ => Code::UNKNOWN,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_numbering() {
        for (index, (code, _)) in NAMES.iter().enumerate() {
            assert_eq!(*code as usize, index);
            assert_eq!(Code::from_number(index as u32), Some(*code));
        }
        assert_eq!(Code::from_number(17), None);
        assert_eq!(Code::NOT_FOUND.name(), "NOT_FOUND");
    }

    #[test]
    fn http_status_table() {
        let cases = [
            (400, Code::UNKNOWN),
            (401, Code::UNAUTHENTICATED),
            (403, Code::PERMISSION_DENIED),
            (404, Code::UNIMPLEMENTED),
            (429, Code::UNAVAILABLE),
            (500, Code::UNKNOWN),
            (502, Code::UNAVAILABLE),
            (503, Code::UNAVAILABLE),
            (504, Code::UNAVAILABLE),
            (200, Code::UNKNOWN),
            (307, Code::UNKNOWN),
        ];
        for (status, expected) in cases {
            assert_eq!(Code::from_http_status(status), expected, "HTTP {status}");
        }
    }
}
