//! Automatic retries of idempotent calls: which failures qualify and how long to wait.

use crate::code::Code;
use crate::details::retry_delay_ms;
use crate::input::Input;
use crate::request::{invalid, object};
use crate::status::Status;

/// Retry settings from the client's `retry` option.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryPolicy {
    /// Attempts in all, the first one included, from 1 to 10.
    pub max_attempts: u32,
    /// Backoff before the first retry, in milliseconds.
    pub initial_backoff_ms: f64,
    /// Upper bound of the exponential backoff, in milliseconds.
    pub max_backoff_ms: f64,
}

impl Default for RetryPolicy {
    /// Three attempts, waiting about 100 ms and then about 200 ms, at most 5 s.
    fn default() -> Self {
        Self {
            max_attempts: 3,
            initial_backoff_ms: 100.0,
            max_backoff_ms: 5000.0,
        }
    }
}

const RETRY_OPTIONS: [&str; 3] = ["maxAttempts", "initialBackoffMs", "maxBackoffMs"];

/// Largest backoff accepted, in milliseconds: one minute.
const MAX_BACKOFF_LIMIT_MS: f64 = 60_000.0;

impl RetryPolicy {
    /// Validates the `retry` option. Fields left out take their defaults.
    pub(crate) fn parse(value: &Input) -> Result<Option<Self>, Status> {
        let Some(entries) = object(
            value,
            "retry",
            "{ maxAttempts: 3, initialBackoffMs: 100, maxBackoffMs: 5000 }",
        )?
        else {
            return Ok(None);
        };
        let mut policy = Self::default();
        for (key, value) in entries {
            if value.is_absent() {
                continue;
            }
            match (key.as_str(), value) {
                ("maxAttempts", Input::Number(number))
                    if number.fract() == 0.0 && (1.0..=10.0).contains(number) =>
                {
                    policy.max_attempts = *number as u32;
                }
                ("maxAttempts", other) => {
                    return Err(invalid(format!(
                        "retry.maxAttempts must be a whole number from 1 to 10, got {}",
                        other.describe()
                    )))
                }
                ("initialBackoffMs", Input::Number(number))
                    if *number > 0.0 && *number <= MAX_BACKOFF_LIMIT_MS =>
                {
                    policy.initial_backoff_ms = *number;
                }
                ("maxBackoffMs", Input::Number(number))
                    if *number > 0.0 && *number <= MAX_BACKOFF_LIMIT_MS =>
                {
                    policy.max_backoff_ms = *number;
                }
                ("initialBackoffMs" | "maxBackoffMs", other) => {
                    return Err(invalid(format!(
                        "retry.{key} must be a positive number of milliseconds up to 60000, got {}",
                        other.describe()
                    )))
                }
                (unknown, _) => {
                    return Err(invalid(format!(
                        "unknown retry option \"{unknown}\"; known options are {}",
                        RETRY_OPTIONS.join(", ")
                    )))
                }
            }
        }
        if policy.max_backoff_ms < policy.initial_backoff_ms {
            return Err(invalid(format!(
                "retry.maxBackoffMs ({}) is below retry.initialBackoffMs ({}); raise it or lower the initial backoff",
                policy.max_backoff_ms as u64, policy.initial_backoff_ms as u64
            )));
        }
        Ok(Some(policy))
    }

    /// Returns the wait before retry number `retry` (1 for the first retry), in milliseconds.
    ///
    /// The backoff doubles with each retry up to `max_backoff_ms`, and `random` (from 0 to
    /// 1) spreads the wait over its upper half, so that clients that failed together do
    /// not retry together. A server's RetryInfo delay is a lower bound.
    pub fn backoff_ms(&self, retry: u32, random: f64, server_delay_ms: Option<f64>) -> f64 {
        let exponent = retry.saturating_sub(1).min(30) as i32;
        let ceiling = (self.initial_backoff_ms * 2f64.powi(exponent)).min(self.max_backoff_ms);
        let jittered = ceiling * (0.5 + 0.5 * random.clamp(0.0, 1.0));
        jittered.max(server_delay_ms.unwrap_or(0.0))
    }
}

/// Decides whether a failed call may be sent again, and returns the server's requested
/// delay if it sent one. UNAVAILABLE qualifies, because the request did not reach a
/// server that acted on it; RESOURCE_EXHAUSTED qualifies only with a RetryInfo detail,
/// because only then did the server ask for a retry.
pub fn retry_delay(status: &Status) -> Option<Option<f64>> {
    match status.code() {
        Code::UNAVAILABLE => Some(retry_delay_ms(status.details())),
        Code::RESOURCE_EXHAUSTED => retry_delay_ms(status.details()).map(Some),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::details::{Any, Duration, RetryInfo, RpcStatus};
    use crate::input::test_object as object;
    use prost::Message;

    #[test]
    fn absent_option_means_no_retries() {
        assert_eq!(RetryPolicy::parse(&Input::Undefined).unwrap(), None);
    }

    #[test]
    fn partial_option_takes_defaults() {
        let policy = RetryPolicy::parse(&object(&[("maxAttempts", Input::Number(5.0))]))
            .unwrap()
            .unwrap();
        assert_eq!(
            policy,
            RetryPolicy {
                max_attempts: 5,
                ..RetryPolicy::default()
            }
        );
    }

    #[test]
    fn invalid_values_are_named() {
        for (key, value, expected) in [
            (
                "maxAttempts",
                Input::Number(0.0),
                "retry.maxAttempts must be a whole number",
            ),
            (
                "maxAttempts",
                Input::Number(2.5),
                "retry.maxAttempts must be a whole number",
            ),
            (
                "initialBackoffMs",
                Input::Number(-1.0),
                "retry.initialBackoffMs must be a positive number",
            ),
            (
                "maxBackoffMs",
                Input::String("1s".into()),
                "retry.maxBackoffMs must be a positive number",
            ),
            (
                "attempts",
                Input::Number(2.0),
                "unknown retry option \"attempts\"",
            ),
        ] {
            let error = RetryPolicy::parse(&object(&[(key, value)])).unwrap_err();
            assert!(
                error.message().starts_with(expected),
                "{key}: {}",
                error.message()
            );
        }
        let error = RetryPolicy::parse(&object(&[
            ("initialBackoffMs", Input::Number(500.0)),
            ("maxBackoffMs", Input::Number(100.0)),
        ]))
        .unwrap_err();
        assert!(
            error.message().contains("below retry.initialBackoffMs"),
            "{}",
            error.message()
        );
    }

    #[test]
    fn backoff_doubles_up_to_the_maximum() {
        let policy = RetryPolicy {
            max_attempts: 10,
            initial_backoff_ms: 100.0,
            max_backoff_ms: 1000.0,
        };
        assert_eq!(policy.backoff_ms(1, 1.0, None), 100.0);
        assert_eq!(policy.backoff_ms(2, 1.0, None), 200.0);
        assert_eq!(policy.backoff_ms(3, 1.0, None), 400.0);
        assert_eq!(policy.backoff_ms(5, 1.0, None), 1000.0);
        assert_eq!(policy.backoff_ms(40, 1.0, None), 1000.0);
    }

    #[test]
    fn jitter_spreads_over_upper_half() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.backoff_ms(1, 0.0, None), 50.0);
        assert_eq!(policy.backoff_ms(1, 0.5, None), 75.0);
    }

    #[test]
    fn server_delay_is_lower_bound() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.backoff_ms(1, 1.0, Some(1500.0)), 1500.0);
        assert_eq!(policy.backoff_ms(1, 1.0, Some(10.0)), 100.0);
    }

    #[test]
    fn qualifying_failures() {
        let retry_info = RpcStatus {
            code: 8,
            message: String::new(),
            details: vec![Any {
                type_url: "type.googleapis.com/google.rpc.RetryInfo".into(),
                value: RetryInfo {
                    retry_delay: Some(Duration {
                        seconds: 2,
                        nanos: 0,
                    }),
                }
                .encode_to_vec(),
            }],
        }
        .encode_to_vec();
        assert_eq!(retry_delay(&Status::unavailable("down")), Some(None));
        assert_eq!(retry_delay(&Status::resource_exhausted("slow down")), None);
        assert_eq!(
            retry_delay(&Status::resource_exhausted("slow down").with_details(retry_info)),
            Some(Some(2000.0))
        );
        assert_eq!(retry_delay(&Status::internal("bug")), None);
        assert_eq!(retry_delay(&Status::new(Code::NOT_FOUND, "gone")), None);
    }
}
