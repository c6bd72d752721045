//! Everything that touches JS: the exported API, value conversion, fetch and timers.

pub(crate) mod api;
mod call;
mod convert;
mod fetch;
mod pager;
