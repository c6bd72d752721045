//! State and operations of a `BackupPager`.

use std::cell::{Ref, RefCell};
use std::collections::VecDeque;
use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::rc::Rc;
use std::task::Poll;

use js_sys::{Array, Function, Object, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, AbortSignal};

use super::api::{list_json, optional_signal, promise};
use super::call::cancelled;
use super::convert::{describe_js_error, input_from_js, js_failure, parse_json, set, status_to_js};
use crate::input::Input;
use crate::options::{CallConfig, ClientConfig};
use crate::pages::PageWalk;
use crate::proto::backup::ListBackupsRequest;
use crate::proto::common::{PageBasedPaginationRequest, PageBasedPaginationResponse};
use crate::request::invalid;
use crate::status::Status;

/// The pager's position, from the last page it fetched.
#[derive(Debug, Default, Clone)]
pub(crate) struct Cursor {
    pub(crate) current_page: Option<i64>,
    pub(crate) total_pages: Option<i64>,
    pub(crate) total_records: Option<i64>,
    next_page: Option<i64>,
    prev_page: Option<i64>,
}

/// Shared state of a pager. Operations that move the cursor run one after another, in
/// the order they were called, so two quick `next()` calls fetch two different pages.
pub(crate) struct PagerState {
    config: Option<Rc<ClientConfig>>,
    request: ListBackupsRequest,
    /// Records per page; 0 leaves the page size to the server.
    page_size: i64,
    cursor: RefCell<Cursor>,
    /// The last queued cursor operation.
    tail: RefCell<Option<Promise>>,
}

impl PagerState {
    pub(crate) fn new(
        config: Rc<ClientConfig>,
        request: ListBackupsRequest,
        page_size: i64,
    ) -> Self {
        Self {
            config: Some(config),
            request,
            page_size,
            cursor: RefCell::default(),
            tail: RefCell::default(),
        }
    }

    /// Creates a pager without a client, used once at start-up to reach the class prototype.
    pub(crate) fn placeholder() -> Self {
        Self {
            config: None,
            request: ListBackupsRequest::default(),
            page_size: 0,
            cursor: RefCell::default(),
            tail: RefCell::default(),
        }
    }

    pub(crate) fn cursor(&self) -> Ref<'_, Cursor> {
        self.cursor.borrow()
    }

    /// Fetches one page with the pager's request and page size.
    async fn fetch(&self, page: i64, signal: Option<&AbortSignal>) -> Result<Page, Status> {
        let config = self.config.clone().ok_or_else(|| {
            Status::failed_precondition(
                "this pager has no client; create pagers with client.pager()",
            )
        })?;
        let mut request = self.request.clone();
        request.pagination = Some(PageBasedPaginationRequest {
            page_number: page,
            page_size: self.page_size,
        });
        let value = parse_json(&list_json(config, CallConfig::default(), signal, request).await?)?;
        let pagination = pagination_from_js(&value);
        Ok(Page { value, pagination })
    }

    /// Fetches a page and moves the cursor to it.
    async fn move_to(&self, page: i64) -> Result<JsValue, Status> {
        let response = self.fetch(page, None).await?;
        let pagination = &response.pagination;
        *self.cursor.borrow_mut() = Cursor {
            current_page: Some(page),
            total_pages: Some(pagination.total_pages),
            total_records: Some(pagination.total_records),
            next_page: Some(pagination.next_page),
            prev_page: Some(pagination.prev_page),
        };
        Ok(response.value)
    }

    /// Queues a cursor operation behind the ones already queued.
    fn enqueue<F, Fut>(self: Rc<Self>, operation: F) -> Promise
    where
        F: FnOnce(Rc<Self>) -> Fut + 'static,
        Fut: std::future::Future<Output = Result<JsValue, Status>> + 'static,
    {
        let previous = self.tail.borrow_mut().take();
        let state = self.clone();
        let queued = promise(Box::pin(async move {
            if let Some(previous) = previous {
                // The previous operation's outcome belongs to its own caller.
                let _ = JsFuture::from(previous).await;
            }
            operation(state)
                .await
                .map_err(|status| status_to_js(&status))
        }));
        *self.tail.borrow_mut() = Some(queued.clone());
        queued
    }

    pub(crate) fn page(self: Rc<Self>, page: i64) -> Promise {
        self.enqueue(move |state| async move { state.move_to(page).await })
    }

    pub(crate) fn next(self: Rc<Self>) -> Promise {
        self.enqueue(|state| async move {
            let cursor = state.cursor().clone();
            match (cursor.current_page, cursor.next_page) {
                (None, _) => state.move_to(1).await,
                (Some(_), Some(next)) if next > 0 => state.move_to(next).await,
                _ => Ok(JsValue::NULL),
            }
        })
    }

    pub(crate) fn previous(self: Rc<Self>) -> Promise {
        self.enqueue(|state| async move {
            let cursor = state.cursor().clone();
            match (cursor.current_page, cursor.prev_page) {
                (Some(current), _) if current <= 1 => Ok(JsValue::NULL),
                (Some(_), Some(previous)) if previous > 0 => state.move_to(previous).await,
                (Some(current), _) => state.move_to(current - 1).await,
                (None, _) => Ok(JsValue::NULL),
            }
        })
    }

    pub(crate) fn all(self: Rc<Self>, options: JsValue) -> Promise {
        let parsed = parse_all_options(&options);
        promise(Box::pin(async move {
            let options = parsed.map_err(|status| status_to_js(&status))?;
            let link =
                SignalLink::new(options.signal.as_ref()).map_err(|status| status_to_js(&status))?;
            let result = self.collect_all(&options, &link.controller).await;
            match &options.signal {
                // The pages were cut through the link, whose abort reason is the event;
                // the caller's own reason is the one to report.
                Some(signal) if result.is_err() && signal.aborted() => {
                    Err(status_to_js(&cancelled(signal)))
                }
                _ => result,
            }
        }))
    }

    /// Fetches every page in order, with up to `options.concurrency` pages in flight.
    ///
    /// Pages are requested ahead as 2, 3, ... up to the `totalPages` of page 1. Each
    /// response is checked in order by [`PageWalk`]; when the server names another next
    /// page than the one fetched ahead, the pages in flight are dropped and the walk goes
    /// on from the page the server named.
    async fn collect_all(
        &self,
        options: &AllOptions,
        controller: &AbortController,
    ) -> Result<JsValue, JsValue> {
        let signal = controller.signal();
        let signal = &signal;
        let backups = Array::new();
        let mut walk = PageWalk::default();
        let mut window: VecDeque<PageSlot<'_>> = VecDeque::new();

        while let Some(page) = walk.next_page() {
            if window.front().is_some_and(|slot| slot.page != page) {
                drain(&mut window).await;
            }
            let last_known = walk.announced_pages().unwrap_or(1).max(page);
            let mut ahead = window.back().map_or(page, |slot| slot.page + 1);
            while window.len() < options.concurrency && ahead <= last_known {
                window.push_back(PageSlot::new(
                    ahead,
                    Box::pin(self.fetch(ahead, Some(signal))),
                ));
                ahead += 1;
            }

            let response = next_in_order(&mut window).await;
            let response = match response {
                Ok(response) => response,
                Err(status) => {
                    abort_and_drain(&mut window, controller).await;
                    return Err(status_to_js(&status));
                }
            };
            if let Err(status) = walk.record(page, Some(&response.pagination)) {
                abort_and_drain(&mut window, controller).await;
                return Err(status_to_js(&status));
            }

            let page_backups = js_sys::Reflect::get(&response.value, &"backups".into())
                .unwrap_or(JsValue::UNDEFINED);
            if let Some(page_backups) = page_backups.dyn_ref::<Array>() {
                for backup in page_backups.iter() {
                    backups.push(&backup);
                }
            }
            if let Some(callback) = &options.on_progress {
                let total_records = response.pagination.total_records;
                let progress = Object::new();
                set(
                    &progress,
                    "pagesDone",
                    &JsValue::from(walk.pages_done() as f64),
                );
                set(
                    &progress,
                    "totalPages",
                    &JsValue::from(walk.announced_pages().unwrap_or_default() as f64),
                );
                set(&progress, "backupsDone", &JsValue::from(backups.length()));
                set(
                    &progress,
                    "totalRecords",
                    &JsValue::from(total_records as f64),
                );
                if let Err(error) = report_progress(callback, &progress).await {
                    abort_and_drain(&mut window, controller).await;
                    return Err(error);
                }
            }
        }
        drain(&mut window).await;
        Ok(backups.into())
    }
}

/// One page in its JS form, with its pagination read back for the pager's checks.
struct Page {
    value: JsValue,
    pagination: PageBasedPaginationResponse,
}

/// Reads `pagination` of a ListBackupsResponse in its proto3 JSON form, where the int64
/// values are decimal strings and zero values are left out.
fn pagination_from_js(response: &JsValue) -> PageBasedPaginationResponse {
    let pagination =
        js_sys::Reflect::get(response, &"pagination".into()).unwrap_or(JsValue::UNDEFINED);
    let read = |name: &str| -> i64 {
        js_sys::Reflect::get(&pagination, &name.into())
            .ok()
            .and_then(|value| value.as_string())
            .and_then(|text| text.parse().ok())
            .unwrap_or(0)
    };
    PageBasedPaginationResponse {
        total_records: read("totalRecords"),
        current_page: read("currentPage"),
        page_size: read("pageSize"),
        total_pages: read("totalPages"),
        next_page: read("nextPage"),
        prev_page: read("prevPage"),
    }
}

type PageFuture<'a> = Pin<Box<dyn Future<Output = Result<Page, Status>> + 'a>>;

/// One page fetch in flight, and its outcome once known.
struct PageSlot<'a> {
    page: i64,
    future: PageFuture<'a>,
    outcome: Option<Result<Page, Status>>,
}

impl<'a> PageSlot<'a> {
    fn new(page: i64, future: PageFuture<'a>) -> Self {
        Self {
            page,
            future,
            outcome: None,
        }
    }
}

/// Polls every fetch in the window and returns the first page's outcome once it is known,
/// so pages come out in order while later ones load.
async fn next_in_order(window: &mut VecDeque<PageSlot<'_>>) -> Result<Page, Status> {
    poll_fn(|cx| {
        for slot in window.iter_mut().filter(|slot| slot.outcome.is_none()) {
            if let Poll::Ready(outcome) = slot.future.as_mut().poll(cx) {
                slot.outcome = Some(outcome);
            }
        }
        match window.front_mut().and_then(|slot| slot.outcome.take()) {
            Some(outcome) => {
                window.pop_front();
                Poll::Ready(outcome)
            }
            None if window.is_empty() => {
                Poll::Ready(Err(Status::internal("no page fetch is in flight")))
            }
            None => Poll::Pending,
        }
    })
    .await
}

/// Waits for the fetches in flight to settle and discards them. Dropping a fetch before
/// it settles would leave its promise callbacks pointing at freed closures.
async fn drain(window: &mut VecDeque<PageSlot<'_>>) {
    while !window.is_empty() {
        let _ = next_in_order(window).await;
    }
}

/// Calls `onProgress` and waits for the promise it returns, if any. An exception or a
/// rejection stops the walk with a GrpcError of code UNKNOWN whose `cause` is the thrown
/// value.
async fn report_progress(callback: &Function, progress: &Object) -> Result<(), JsValue> {
    let outcome = match callback.call1(&JsValue::UNDEFINED, progress) {
        Ok(returned) if returned.has_type::<Promise>() => {
            JsFuture::from(returned.unchecked_into::<Promise>())
                .await
                .map(drop)
        }
        Ok(_) => Ok(()),
        Err(thrown) => Err(thrown),
    };
    outcome.map_err(|thrown| {
        let status = Status::unknown(format!(
            "onProgress threw \"{}\", so all() stopped",
            describe_js_error(&thrown)
        ));
        let error = status_to_js(&status);
        set(&error, "cause", &thrown);
        error
    })
}

/// Stops the page fetches in flight, whose outcome no longer matters, and waits for them
/// to settle.
async fn abort_and_drain(window: &mut VecDeque<PageSlot<'_>>, controller: &AbortController) {
    controller.abort();
    drain(window).await;
}

/// An AbortController for the pages of one `all()` call, aborted when the caller's signal
/// aborts. The listener is the controller's own bound `abort` method, removed on drop.
struct SignalLink {
    controller: AbortController,
    listener: Option<(AbortSignal, Function)>,
}

impl SignalLink {
    fn new(caller: Option<&AbortSignal>) -> Result<Self, Status> {
        let controller = AbortController::new()
            .map_err(|error| js_failure("creating an AbortController failed", &error))?;
        let mut link = Self {
            controller,
            listener: None,
        };
        if let Some(caller) = caller {
            if caller.aborted() {
                link.controller.abort();
            } else {
                let abort: Function = js_sys::Reflect::get(&link.controller, &"abort".into())
                    .map_err(|error| js_failure("reading AbortController.abort failed", &error))?
                    .unchecked_into(); // AbortController.prototype.abort is a function.
                let bound = abort.bind0(&link.controller);
                let _ = caller.add_event_listener_with_callback("abort", &bound);
                link.listener = Some((caller.clone(), bound));
            }
        }
        Ok(link)
    }
}

impl Drop for SignalLink {
    fn drop(&mut self) {
        if let Some((signal, listener)) = self.listener.take() {
            let _ = signal.remove_event_listener_with_callback("abort", &listener);
        }
    }
}

/// Options of `all()`.
struct AllOptions {
    on_progress: Option<Function>,
    signal: Option<AbortSignal>,
    /// Pages fetched at once, from 1 to [`MAX_CONCURRENCY`].
    concurrency: usize,
}

/// Pages that `all()` fetches at once by default: the six connections per host that
/// Chromium and Firefox open over HTTP/1.1.
const DEFAULT_CONCURRENCY: usize = 6;
/// Upper bound of the `concurrency` option. Over HTTP/2 one connection carries every
/// page; over HTTP/1.1 pages beyond six wait for a free connection.
const MAX_CONCURRENCY: usize = 16;

/// Reads `{ onProgress?, signal?, concurrency? }`.
fn parse_all_options(options: &JsValue) -> Result<AllOptions, Status> {
    let input = input_from_js(options);
    let entries = crate::request::object(
        &input,
        "all() options",
        "{ onProgress: (progress) => {}, signal }",
    )?
    .unwrap_or_default();
    for (key, _) in entries {
        if !["onProgress", "signal", "concurrency"].contains(&key.as_str()) {
            return Err(invalid(format!(
                "unknown all() option \"{key}\"; known options are onProgress, signal, concurrency"
            )));
        }
    }
    let on_progress = match entries
        .iter()
        .find(|(key, _)| key == "onProgress")
        .map(|(_, value)| value)
    {
        None | Some(Input::Undefined | Input::Null) => None,
        Some(_) => {
            let value =
                js_sys::Reflect::get(options, &"onProgress".into()).unwrap_or(JsValue::UNDEFINED);
            Some(value.dyn_into::<Function>().map_err(|value| {
                invalid(format!(
                    "onProgress must be a function, got {}",
                    input_from_js(&value).describe()
                ))
            })?)
        }
    };
    let signal = optional_signal(options, "all() options.signal")?;
    let concurrency = match entries
        .iter()
        .find(|(key, _)| key == "concurrency")
        .map(|(_, value)| value)
    {
        None | Some(Input::Undefined | Input::Null) => DEFAULT_CONCURRENCY,
        Some(Input::Number(number))
            if number.fract() == 0.0 && *number >= 1.0 && *number <= MAX_CONCURRENCY as f64 =>
        {
            *number as usize
        }
        Some(other) => {
            return Err(invalid(format!(
                "concurrency must be a whole number of pages from 1 to {MAX_CONCURRENCY}, got {}",
                other.describe()
            )))
        }
    };
    Ok(AllOptions {
        on_progress,
        signal,
        concurrency,
    })
}
