//! State and operations of a `BackupPager`.

use std::cell::{Ref, RefCell};
use std::rc::Rc;

use js_sys::{Array, Function, Object, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{future_to_promise, JsFuture};
use web_sys::AbortSignal;

use super::api::{list, optional_signal};
use super::convert::{input_from_js, json_to_js, set, status_to_js};
use crate::input::Input;
use crate::options::{CallConfig, ClientConfig};
use crate::pages::PageWalk;
use crate::proto::backup::{ListBackupsRequest, ListBackupsResponse};
use crate::proto::common::PageBasedPaginationRequest;
use crate::request::invalid;
use crate::status::Status;

/// Where the pager stands, from the last page it fetched.
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

    /// A pager without a client, used once at start-up to reach the class prototype.
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
    async fn fetch(
        &self,
        page: i64,
        signal: Option<&AbortSignal>,
    ) -> Result<ListBackupsResponse, Status> {
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
        list(config, CallConfig::default(), signal, request).await
    }

    /// Fetches a page and moves the cursor to it.
    async fn move_to(&self, page: i64) -> Result<JsValue, Status> {
        let response = self.fetch(page, None).await?;
        let pagination = response.pagination.clone().unwrap_or_default();
        *self.cursor.borrow_mut() = Cursor {
            current_page: Some(page),
            total_pages: Some(pagination.total_pages),
            total_records: Some(pagination.total_records),
            next_page: Some(pagination.next_page),
            prev_page: Some(pagination.prev_page),
        };
        json_to_js(&response)
    }

    /// Queues a cursor operation behind the ones already queued.
    fn enqueue<F, Fut>(self: Rc<Self>, operation: F) -> Promise
    where
        F: FnOnce(Rc<Self>) -> Fut + 'static,
        Fut: std::future::Future<Output = Result<JsValue, Status>> + 'static,
    {
        let previous = self.tail.borrow_mut().take();
        let state = self.clone();
        let promise = future_to_promise(async move {
            if let Some(previous) = previous {
                // The previous operation's outcome belongs to its own caller.
                let _ = JsFuture::from(previous).await;
            }
            operation(state)
                .await
                .map_err(|status| status_to_js(&status))
        });
        *self.tail.borrow_mut() = Some(promise.clone());
        promise
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
        future_to_promise(async move {
            let (on_progress, signal) = parsed.map_err(|status| status_to_js(&status))?;
            self.collect_all(on_progress, signal).await
        })
    }

    async fn collect_all(
        &self,
        on_progress: Option<Function>,
        signal: Option<AbortSignal>,
    ) -> Result<JsValue, JsValue> {
        let backups = Array::new();
        let mut walk = PageWalk::default();
        while let Some(page) = walk.next_page() {
            let response = self
                .fetch(page, signal.as_ref())
                .await
                .map_err(|status| status_to_js(&status))?;
            walk.record(page, response.pagination.as_ref())
                .map_err(|status| status_to_js(&status))?;

            let page_backups: Array = json_to_js(&response.backups)
                .map_err(|status| status_to_js(&status))?
                .unchecked_into(); // a Vec serializes to an array.
            for backup in page_backups.iter() {
                backups.push(&backup);
            }

            if let Some(callback) = &on_progress {
                let progress = Object::new();
                let total_records = response
                    .pagination
                    .as_ref()
                    .map_or(0, |pagination| pagination.total_records);
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
                // An exception thrown by the callback rejects the promise as it is.
                callback.call1(&JsValue::UNDEFINED, &progress)?;
            }
        }
        Ok(backups.into())
    }
}

/// Reads `{ onProgress?, signal? }`.
fn parse_all_options(options: &JsValue) -> Result<(Option<Function>, Option<AbortSignal>), Status> {
    let input = input_from_js(options);
    let entries = crate::request::object(
        &input,
        "all() options",
        "{ onProgress: (progress) => {}, signal }",
    )?
    .unwrap_or_default();
    for (key, _) in entries {
        if key != "onProgress" && key != "signal" {
            return Err(invalid(format!(
                "unknown all() option {key:?}; known options are onProgress, signal"
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
    Ok((on_progress, signal))
}
