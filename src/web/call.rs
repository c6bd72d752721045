//! Deadlines and cancellation of one call, raced against the call itself.

use std::future::{poll_fn, Future};
use std::pin::pin;
use std::task::Poll;

use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, AbortSignal};

use super::convert::{describe_js_error, js_failure};
use crate::status::Status;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &Function, delay_ms: i32) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(id: &JsValue);
}

/// Holds what a call registered with the browser and releases it in `Drop`: the timer and
/// the listener on the caller's signal. The promise resolve functions are registered
/// directly, so no Rust closure is created per call.
struct CallGuard {
    timer: Option<JsValue>,
    listener: Option<(AbortSignal, Function)>,
}

impl Drop for CallGuard {
    fn drop(&mut self) {
        if let Some(timer) = self.timer.take() {
            clear_timeout(&timer);
        }
        if let Some((signal, resolve)) = self.listener.take() {
            let _ = signal.remove_event_listener_with_callback("abort", &resolve);
        }
    }
}

/// The reason a call was stopped before it finished.
enum Stop {
    Deadline(u32),
    Aborted(Status),
}

/// Runs a call with a deadline and the caller's abort signal.
///
/// The call receives the signal of its own `AbortController`, which is aborted when the
/// deadline passes or the caller's signal fires, so the fetch itself is cut and the server
/// observes the disconnect. The call is then polled until it has unwound, so no promise
/// callback outlives it.
pub(crate) async fn run_call<T, F>(
    signal: Option<&AbortSignal>,
    timeout_ms: Option<u32>,
    call: impl FnOnce(AbortSignal) -> F,
) -> Result<T, Status>
where
    F: Future<Output = Result<T, Status>>,
{
    if let Some(signal) = signal.filter(|signal| signal.aborted()) {
        return Err(cancelled(signal));
    }
    let controller = AbortController::new()
        .map_err(|error| js_failure("creating an AbortController failed", &error))?;
    let mut guard = CallGuard {
        timer: None,
        listener: None,
    };

    let mut deadline = timeout_ms.map(|delay| {
        let promise = Promise::new(&mut |resolve, _reject| {
            guard.timer = Some(set_timeout(&resolve, delay as i32));
        });
        JsFuture::from(promise)
    });
    let mut aborted = signal.map(|signal| {
        let promise = Promise::new(&mut |resolve, _reject| {
            let _ = signal.add_event_listener_with_callback("abort", &resolve);
            guard.listener = Some((signal.clone(), resolve));
        });
        JsFuture::from(promise)
    });

    let mut call = pin!(call(controller.signal()));
    let mut stop: Option<Stop> = None;
    let result = poll_fn(|cx| {
        if let Poll::Ready(result) = call.as_mut().poll(cx) {
            return Poll::Ready(result);
        }
        if stop.is_none() {
            if let Some(future) = deadline.as_mut() {
                if std::pin::Pin::new(future).poll(cx).is_ready() {
                    stop = Some(Stop::Deadline(timeout_ms.unwrap_or_default()));
                }
            }
        }
        if stop.is_none() {
            if let (Some(future), Some(signal)) = (aborted.as_mut(), signal) {
                if std::pin::Pin::new(future).poll(cx).is_ready() {
                    stop = Some(Stop::Aborted(cancelled(signal)));
                }
            }
        }
        if stop.is_some() {
            controller.abort();
            // Aborting rejects the fetch and its body reads, so the call ends soon.
            deadline = None;
            aborted = None;
            return call.as_mut().poll(cx);
        }
        Poll::Pending
    })
    .await;

    if result.is_err() {
        // A failed call may leave its response body open, for example after a frame over
        // the size limit; Firefox keeps that connection until the fetch is aborted.
        controller.abort();
    }
    match stop {
        Some(Stop::Deadline(delay)) => Err(Status::deadline_exceeded(format!(
            "the call did not finish within its deadline of {delay} ms"
        ))),
        Some(Stop::Aborted(status)) => Err(status),
        None => result,
    }
}

/// Builds the status of a call whose signal fired: CANCELLED with the abort reason, or
/// DEADLINE_EXCEEDED when the reason is a TimeoutError, as from `AbortSignal.timeout()`.
pub(crate) fn cancelled(signal: &AbortSignal) -> Status {
    let reason = signal.reason();
    if reason.is_undefined() {
        return Status::cancelled("the call was aborted through its AbortSignal");
    }
    let name = js_sys::Reflect::get(&reason, &"name".into())
        .ok()
        .and_then(|name| name.as_string());
    let description = describe_js_error(&reason);
    if name.as_deref() == Some("TimeoutError") {
        // AbortSignal.timeout() aborts with a TimeoutError: the caller set a deadline.
        return Status::deadline_exceeded(format!(
            "the call's AbortSignal timed out: {description}"
        ));
    }
    Status::cancelled(format!(
        "the call was aborted through its AbortSignal: {description}"
    ))
}

/// Waits `delay_ms` milliseconds, or less if `signal` aborts first.
pub(crate) async fn sleep(delay_ms: f64, signal: &AbortSignal) {
    if signal.aborted() {
        return;
    }
    let mut guard = CallGuard {
        timer: None,
        listener: None,
    };
    let promise = Promise::new(&mut |resolve, _reject| {
        guard.timer = Some(set_timeout(
            &resolve,
            delay_ms.min(f64::from(i32::MAX)) as i32,
        ));
        let _ = signal.add_event_listener_with_callback("abort", &resolve);
        guard.listener = Some((signal.clone(), resolve));
    });
    // The promise only resolves, from the timer or the abort event.
    let _ = JsFuture::from(promise).await;
}
