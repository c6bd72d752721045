//! What the server has seen, for the `/control/` endpoints: requests per case, and per
//! test-chosen id whether the client disconnected.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

/// Arrival times kept per case, enough for any retry test.
const MAX_ATTEMPT_TIMES: usize = 64;

#[derive(Debug, Default)]
struct CaseRecord {
    posts: u64,
    preflights: u64,
    /// Arrival of each of the first POSTs, in milliseconds since the server started.
    attempt_ms: Vec<u64>,
}

#[derive(Debug, Default)]
struct IdRecord {
    requests: u64,
    disconnected: bool,
    grpc_timeout: Option<String>,
}

/// Shared by every connection thread.
#[derive(Debug)]
pub struct State {
    started: Instant,
    /// A port on 127.0.0.1 that was bound once and then released, so nothing listens there.
    pub closed_port: u16,
    cases: Mutex<HashMap<String, CaseRecord>>,
    ids: Mutex<HashMap<String, IdRecord>>,
}

impl State {
    pub fn new(closed_port: u16) -> Self {
        Self {
            started: Instant::now(),
            closed_port,
            cases: Mutex::default(),
            ids: Mutex::default(),
        }
    }

    /// Counts a POST to `case` and returns how many the case has had, this one included.
    pub fn record_post(&self, case: &str) -> u64 {
        let elapsed = self.started.elapsed().as_millis() as u64;
        let mut cases = self
            .cases
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        let record = cases.entry(case.to_owned()).or_default();
        record.posts += 1;
        if record.attempt_ms.len() < MAX_ATTEMPT_TIMES {
            record.attempt_ms.push(elapsed);
        }
        record.posts
    }

    pub fn record_preflight(&self, case: &str) {
        let mut cases = self
            .cases
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        cases.entry(case.to_owned()).or_default().preflights += 1;
    }

    /// Records a request that carried `x-fault-id: id`.
    pub fn record_request(&self, id: &str, grpc_timeout: Option<&str>) {
        let mut ids = self.ids.lock().unwrap_or_else(|poison| poison.into_inner());
        let record = ids.entry(id.to_owned()).or_default();
        record.requests += 1;
        record.grpc_timeout = grpc_timeout.map(str::to_owned);
    }

    pub fn record_disconnect(&self, id: &str) {
        let mut ids = self.ids.lock().unwrap_or_else(|poison| poison.into_inner());
        ids.entry(id.to_owned()).or_default().disconnected = true;
    }

    /// `{"posts":N,"preflights":N,"attemptGapsMs":[...]}` for a case key.
    pub fn case_json(&self, case: &str) -> String {
        let cases = self
            .cases
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        let empty = CaseRecord::default();
        let record = cases.get(case).unwrap_or(&empty);
        let gaps: Vec<String> = record
            .attempt_ms
            .windows(2)
            .map(|pair| (pair[1] - pair[0]).to_string())
            .collect();
        format!(
            r#"{{"posts":{},"preflights":{},"attemptGapsMs":[{}]}}"#,
            record.posts,
            record.preflights,
            gaps.join(",")
        )
    }

    /// `{"requests":N,"disconnected":bool,"grpcTimeout":"..."|null}` for an id.
    pub fn id_json(&self, id: &str) -> String {
        let ids = self.ids.lock().unwrap_or_else(|poison| poison.into_inner());
        let empty = IdRecord::default();
        let record = ids.get(id).unwrap_or(&empty);
        let timeout = record
            .grpc_timeout
            .as_deref()
            .map_or("null".to_owned(), json_string);
        format!(
            r#"{{"requests":{},"disconnected":{},"grpcTimeout":{timeout}}}"#,
            record.requests, record.disconnected
        )
    }
}

/// A JSON string literal.
pub fn json_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for character in text.chars() {
        match character {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            control if control < ' ' => out.push_str(&format!("\\u{:04x}", control as u32)),
            other => out.push(other),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_posts_and_gaps() {
        let state = State::new(1);
        assert_eq!(state.record_post("flaky/x"), 1);
        assert_eq!(state.record_post("flaky/x"), 2);
        state.record_preflight("flaky/x");
        let json = state.case_json("flaky/x");
        assert!(
            json.starts_with(r#"{"posts":2,"preflights":1,"attemptGapsMs":["#),
            "{json}"
        );
        assert_eq!(
            state.case_json("other"),
            r#"{"posts":0,"preflights":0,"attemptGapsMs":[]}"#
        );
    }

    #[test]
    fn id_record_shows_disconnect() {
        let state = State::new(1);
        state.record_request("a\"b", Some("200m"));
        state.record_disconnect("a\"b");
        assert_eq!(
            state.id_json("a\"b"),
            r#"{"requests":1,"disconnected":true,"grpcTimeout":"200m"}"#
        );
    }
}
