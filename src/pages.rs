//! Checks that keep a walk over every page finite when a server misreports its pages.

use crate::status::Status;

use crate::proto::common::PageBasedPaginationResponse;

/// Follows `nextPage` from page 1 and rejects a server that repeats a page, goes
/// backwards, or returns more pages than the first response announced.
#[derive(Debug, Default)]
pub(crate) struct PageWalk {
    /// `totalPages` of the first response.
    announced_pages: Option<i64>,
    pages_done: i64,
    last_page: i64,
    finished: bool,
}

impl PageWalk {
    /// Returns the page to request next, or `None` when the walk is over.
    pub(crate) fn next_page(&self) -> Option<i64> {
        if self.finished {
            None
        } else if self.pages_done == 0 {
            Some(1)
        } else {
            Some(self.last_page)
        }
    }

    /// Pages received so far.
    pub(crate) fn pages_done(&self) -> i64 {
        self.pages_done
    }

    /// `totalPages` as the first response announced it.
    pub(crate) fn announced_pages(&self) -> Option<i64> {
        self.announced_pages
    }

    /// Records the response to a request for `requested` and decides the next page.
    pub(crate) fn record(
        &mut self,
        requested: i64,
        pagination: Option<&PageBasedPaginationResponse>,
    ) -> Result<(), Status> {
        let pagination = pagination.cloned().unwrap_or_default();
        self.pages_done += 1;
        let announced = *self.announced_pages.get_or_insert(pagination.total_pages);

        if pagination.current_page != 0 && pagination.current_page != requested {
            return Err(Status::internal(format!(
                "the server returned page {} when page {requested} was requested; stopping so the listing cannot skip or repeat backups",
                pagination.current_page
            )));
        }
        if self.pages_done > announced.max(1) {
            return Err(Status::internal(format!(
                "the server returned more pages than the {announced} it announced; stopping so the listing cannot loop"
            )));
        }

        let next = pagination.next_page;
        if next == -1 || next == 0 {
            self.finished = true;
            return Ok(());
        }
        if next <= requested {
            return Err(Status::internal(format!(
                "the server named page {next} as the page after page {requested}; stopping so the listing cannot loop"
            )));
        }
        self.last_page = next;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code::Code;

    fn page(current: i64, total: i64, next: i64) -> PageBasedPaginationResponse {
        PageBasedPaginationResponse {
            total_records: total * 10,
            current_page: current,
            page_size: 10,
            total_pages: total,
            next_page: next,
            prev_page: current - 1,
        }
    }

    #[test]
    fn follows_pages_to_the_end() {
        let mut walk = PageWalk::default();
        for current in 1..=3 {
            assert_eq!(walk.next_page(), Some(current));
            walk.record(
                current,
                Some(&page(
                    current,
                    3,
                    if current == 3 { -1 } else { current + 1 },
                )),
            )
            .unwrap();
        }
        assert_eq!(walk.next_page(), None);
        assert_eq!(walk.pages_done(), 3);
    }

    #[test]
    fn empty_listing_is_one_page() {
        let mut walk = PageWalk::default();
        walk.record(
            1,
            Some(&PageBasedPaginationResponse {
                next_page: -1,
                prev_page: -1,
                ..Default::default()
            }),
        )
        .unwrap();
        assert_eq!(walk.next_page(), None);
    }

    #[test]
    fn repeated_page_is_an_error() {
        let mut walk = PageWalk::default();
        walk.record(1, Some(&page(1, 5, 2))).unwrap();
        let error = walk.record(2, Some(&page(2, 5, 2))).unwrap_err();
        assert_eq!(error.code(), Code::INTERNAL);
        assert!(error.message().contains("page 2 as the page after page 2"));
    }

    #[test]
    fn more_pages_than_announced_is_an_error() {
        let mut walk = PageWalk::default();
        walk.record(1, Some(&page(1, 2, 2))).unwrap();
        walk.record(2, Some(&page(2, 2, 3))).unwrap();
        let error = walk.record(3, Some(&page(3, 2, 4))).unwrap_err();
        assert!(
            error
                .message()
                .contains("more pages than the 2 it announced"),
            "{}",
            error.message()
        );
    }

    #[test]
    fn wrong_current_page_is_an_error() {
        let mut walk = PageWalk::default();
        let error = walk.record(1, Some(&page(4, 5, 5))).unwrap_err();
        assert!(error.message().contains("returned page 4 when page 1"));
    }
}
