//! The error type of every call: a gRPC status with its message, details and metadata.

use std::fmt;

use crate::code::Code;
use crate::metadata::Metadata;

/// A gRPC status: the outcome of a failed call, or of validation before a call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Status {
    code: Code,
    message: String,
    /// Serialized `google.rpc.Status` from `grpc-status-details-bin`, or empty.
    details: Vec<u8>,
    /// Response headers and trailers.
    metadata: Metadata,
}

impl Status {
    /// Creates a status without details or metadata.
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            details: Vec::new(),
            metadata: Metadata::default(),
        }
    }

    /// Creates an INVALID_ARGUMENT status, for an argument whose message names the field
    /// and the accepted form.
    pub fn invalid_argument(message: impl Into<String>) -> Self {
        Self::new(Code::INVALID_ARGUMENT, message)
    }

    /// Creates an INTERNAL status, for a response that broke the grpc-web protocol or
    /// could not be decoded.
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(Code::INTERNAL, message)
    }

    /// Creates an UNKNOWN status, for a response without a status this client can read.
    pub fn unknown(message: impl Into<String>) -> Self {
        Self::new(Code::UNKNOWN, message)
    }

    /// Creates an UNAVAILABLE status, for an endpoint that could not be reached.
    pub fn unavailable(message: impl Into<String>) -> Self {
        Self::new(Code::UNAVAILABLE, message)
    }

    /// Creates a CANCELLED status, for a call its caller aborted.
    pub fn cancelled(message: impl Into<String>) -> Self {
        Self::new(Code::CANCELLED, message)
    }

    /// Creates a DEADLINE_EXCEEDED status, for a call whose deadline passed.
    pub fn deadline_exceeded(message: impl Into<String>) -> Self {
        Self::new(Code::DEADLINE_EXCEEDED, message)
    }

    /// Creates a FAILED_PRECONDITION status, for an object in a state that does not
    /// allow the operation.
    pub fn failed_precondition(message: impl Into<String>) -> Self {
        Self::new(Code::FAILED_PRECONDITION, message)
    }

    /// Creates a RESOURCE_EXHAUSTED status, for a response over a limit of this client.
    pub fn resource_exhausted(message: impl Into<String>) -> Self {
        Self::new(Code::RESOURCE_EXHAUSTED, message)
    }

    /// Adds the serialized `google.rpc.Status` details.
    pub fn with_details(mut self, details: Vec<u8>) -> Self {
        self.details = details;
        self
    }

    /// Adds response metadata in front of what the status has already.
    pub fn with_metadata(mut self, metadata: &Metadata) -> Self {
        let mut merged = metadata.clone();
        merged.extend(std::mem::take(&mut self.metadata));
        self.metadata = merged;
        self
    }

    /// Returns the status code.
    pub fn code(&self) -> Code {
        self.code
    }

    /// Returns the message: the server's decoded `grpc-message`, or this client's
    /// description.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Returns the serialized `google.rpc.Status` details, empty when there are none.
    pub fn details(&self) -> &[u8] {
        &self.details
    }

    /// Returns the response headers and trailers that came with the status.
    pub fn metadata(&self) -> &Metadata {
        &self.metadata
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code.name(), self.message)
    }
}

impl std::error::Error for Status {}
