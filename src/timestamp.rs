//! `google.protobuf.Timestamp` with the canonical proto3 JSON form.
//!
//! pbjson-types prints Timestamps with a `+00:00` offset. The proto3 JSON mapping requires
//! RFC 3339 in UTC with a `Z` suffix and 0, 3, 6 or 9 fractional digits, which is what this
//! type prints. Parsing accepts any RFC 3339 offset and normalizes it to UTC.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, Visitor};
use serde::ser::{Serialize, Serializer};

/// Seconds from the Unix epoch to 0001-01-01T00:00:00Z, the earliest valid Timestamp.
pub const MIN_SECONDS: i64 = -62_135_596_800;
/// Seconds from the Unix epoch to 9999-12-31T23:59:59Z, the latest valid Timestamp.
pub const MAX_SECONDS: i64 = 253_402_300_799;

/// A point in time, independent of any time zone, as seconds and nanoseconds since the
/// Unix epoch.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, ::prost::Message)]
pub struct Timestamp {
    /// Seconds since 1970-01-01T00:00:00Z, from 0001-01-01T00:00:00Z to
    /// 9999-12-31T23:59:59Z inclusive.
    #[prost(int64, tag = "1")]
    pub seconds: i64,
    /// Non-negative fractions of a second at nanosecond resolution, from 0 to 999,999,999.
    #[prost(int32, tag = "2")]
    pub nanos: i32,
}

/// The reason a Timestamp cannot be printed or parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TimestampError {
    /// The seconds lie outside 0001-01-01 to 9999-12-31.
    SecondsOutOfRange(i64),
    /// The nanoseconds lie outside 0 to 999,999,999.
    NanosOutOfRange(i32),
    /// The text is not an RFC 3339 date-time.
    Syntax(String),
}

impl fmt::Display for TimestampError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::SecondsOutOfRange(seconds) => write!(
                f,
                "timestamp seconds {seconds} is outside 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z"
            ),
            Self::NanosOutOfRange(nanos) => {
                write!(f, "timestamp nanos {nanos} is outside 0 to 999999999")
            }
            Self::Syntax(text) => write!(
                f,
                "invalid timestamp {}: expected RFC 3339, such as \"2026-01-31T12:00:00Z\"",
                crate::input::quote(text)
            ),
        }
    }
}

impl std::error::Error for TimestampError {}

impl Timestamp {
    /// Formats the timestamp as RFC 3339 in UTC with a `Z` suffix, using 0, 3, 6 or 9
    /// fractional digits as the proto3 JSON mapping prescribes.
    pub fn to_rfc3339(&self) -> Result<String, TimestampError> {
        if !(MIN_SECONDS..=MAX_SECONDS).contains(&self.seconds) {
            return Err(TimestampError::SecondsOutOfRange(self.seconds));
        }
        if !(0..1_000_000_000).contains(&self.nanos) {
            return Err(TimestampError::NanosOutOfRange(self.nanos));
        }

        let days = self.seconds.div_euclid(86_400);
        let second_of_day = self.seconds.rem_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        let (hour, minute, second) = (
            second_of_day / 3600,
            second_of_day % 3600 / 60,
            second_of_day % 60,
        );

        let mut text = format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}");
        let nanos = self.nanos;
        if nanos != 0 {
            if nanos % 1_000_000 == 0 {
                text.push_str(&format!(".{:03}", nanos / 1_000_000));
            } else if nanos % 1_000 == 0 {
                text.push_str(&format!(".{:06}", nanos / 1_000));
            } else {
                text.push_str(&format!(".{nanos:09}"));
            }
        }
        text.push('Z');
        Ok(text)
    }

    /// Parses an RFC 3339 date-time such as `2026-01-31T12:00:00.5+01:00`.
    ///
    /// Accepts `T` or `t` as the separator, `Z`, `z` or a `±HH:MM` offset, and 1 to 9
    /// fractional digits.
    pub fn parse_rfc3339(text: &str) -> Result<Self, TimestampError> {
        parse(text.as_bytes()).ok_or_else(|| TimestampError::Syntax(text.to_owned()))?
    }
}

fn parse(bytes: &[u8]) -> Option<Result<Timestamp, TimestampError>> {
    let digits = |range: std::ops::Range<usize>| -> Option<i64> {
        let slice = bytes.get(range)?;
        if slice.is_empty() || !slice.iter().all(u8::is_ascii_digit) {
            return None;
        }
        Some(
            slice
                .iter()
                .fold(0i64, |acc, b| acc * 10 + i64::from(b - b'0')),
        )
    };
    let expect =
        |index: usize, allowed: &[u8]| bytes.get(index).is_some_and(|b| allowed.contains(b));

    let year = digits(0..4)?;
    let month = digits(5..7)?;
    let day = digits(8..10)?;
    let hour = digits(11..13)?;
    let minute = digits(14..16)?;
    let second = digits(17..19)?;
    if !(expect(4, b"-")
        && expect(7, b"-")
        && expect(10, b"Tt")
        && expect(13, b":")
        && expect(16, b":"))
    {
        return None;
    }
    if !(1..=12).contains(&month)
        || day < 1
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 59
    {
        return None;
    }

    let mut index = 19;
    let mut nanos = 0i64;
    if expect(index, b".") {
        index += 1;
        let start = index;
        while bytes.get(index).is_some_and(u8::is_ascii_digit) {
            index += 1;
        }
        let count = index - start;
        if count == 0 || count > 9 {
            return None;
        }
        nanos = digits(start..index)? * 10i64.pow((9 - count) as u32);
    }

    let offset_seconds = match bytes.get(index)? {
        b'Z' | b'z' => {
            index += 1;
            0
        }
        sign @ (b'+' | b'-') => {
            let offset_hour = digits(index + 1..index + 3)?;
            let offset_minute = digits(index + 4..index + 6)?;
            if !expect(index + 3, b":") || offset_hour > 23 || offset_minute > 59 {
                return None;
            }
            index += 6;
            let magnitude = offset_hour * 3600 + offset_minute * 60;
            if *sign == b'+' {
                magnitude
            } else {
                -magnitude
            }
        }
        _ => return None,
    };
    if index != bytes.len() {
        return None;
    }

    let seconds = days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second
        - offset_seconds;
    if !(MIN_SECONDS..=MAX_SECONDS).contains(&seconds) {
        return Some(Err(TimestampError::SecondsOutOfRange(seconds)));
    }
    Some(Ok(Timestamp {
        seconds,
        nanos: nanos as i32,
    }))
}

fn is_leap_year(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_index = (month + 9) % 12;
    let day_of_year = (153 * month_index + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// Returns the proleptic Gregorian date of a day count since 1970-01-01, the inverse of
/// [`days_from_civil`].
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let text = self.to_rfc3339().map_err(serde::ser::Error::custom)?;
        serializer.serialize_str(&text)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TimestampVisitor;

        impl Visitor<'_> for TimestampVisitor {
            type Value = Timestamp;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an RFC 3339 timestamp string")
            }

            fn visit_str<E: de::Error>(self, text: &str) -> Result<Timestamp, E> {
                Timestamp::parse_rfc3339(text).map_err(E::custom)
            }
        }

        deserializer.deserialize_str(TimestampVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn format(seconds: i64, nanos: i32) -> String {
        Timestamp { seconds, nanos }.to_rfc3339().unwrap()
    }

    #[test]
    fn formats_epoch_with_z() {
        assert_eq!(format(0, 0), "1970-01-01T00:00:00Z");
    }

    #[test]
    fn formats_fraction_in_groups_of_three() {
        assert_eq!(format(0, 500_000_000), "1970-01-01T00:00:00.500Z");
        assert_eq!(format(0, 1_000), "1970-01-01T00:00:00.000001Z");
        assert_eq!(format(0, 1), "1970-01-01T00:00:00.000000001Z");
    }

    #[test]
    fn formats_before_1970() {
        assert_eq!(format(-1, 0), "1969-12-31T23:59:59Z");
        assert_eq!(format(-86_400 * 365, 0), "1969-01-01T00:00:00Z");
    }

    #[test]
    fn formats_range_ends() {
        assert_eq!(format(MIN_SECONDS, 0), "0001-01-01T00:00:00Z");
        assert_eq!(
            format(MAX_SECONDS, 999_999_999),
            "9999-12-31T23:59:59.999999999Z"
        );
    }

    #[test]
    fn formats_leap_day() {
        assert_eq!(format(951_782_400, 0), "2000-02-29T00:00:00Z");
    }

    #[test]
    fn rejects_out_of_range_values() {
        let too_late = Timestamp {
            seconds: MAX_SECONDS + 1,
            nanos: 0,
        };
        assert_eq!(
            too_late.to_rfc3339(),
            Err(TimestampError::SecondsOutOfRange(MAX_SECONDS + 1))
        );
        let bad_nanos = Timestamp {
            seconds: 0,
            nanos: -1,
        };
        assert_eq!(
            bad_nanos.to_rfc3339(),
            Err(TimestampError::NanosOutOfRange(-1))
        );
    }

    #[test]
    fn parses_offsets_to_utc() {
        let parsed = Timestamp::parse_rfc3339("2026-01-31T13:00:00.25+01:00").unwrap();
        assert_eq!(parsed.to_rfc3339().unwrap(), "2026-01-31T12:00:00.250Z");
    }

    #[test]
    fn parse_round_trips_every_day_boundary() {
        for days in (-719_162..2_932_896).step_by(997) {
            let seconds = days * 86_400;
            let text = format(seconds, 0);
            assert_eq!(
                Timestamp::parse_rfc3339(&text).unwrap().seconds,
                seconds,
                "{text}"
            );
        }
    }

    #[test]
    fn parse_rejects_malformed_text() {
        for text in [
            "",
            "2026-01-31",
            "2026-01-31T12:00:00",
            "2026-02-30T12:00:00Z",
            "2026-01-31T24:00:00Z",
            "2026-01-31T12:00:00.Z",
            "2026-01-31T12:00:00.1234567890Z",
            "2026-01-31T12:00:00+0100",
            "2026-01-31T12:00:00Zjunk",
        ] {
            assert!(Timestamp::parse_rfc3339(text).is_err(), "{text:?} parsed");
        }
    }
}
