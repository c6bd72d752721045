//! The in-memory backup store and the query semantics of GetBackup, DeleteBackup and
//! ListBackups, independent of gRPC.
//!
//! List semantics:
//! - `list_by` filters by deployment, target cluster, namespace or backup configuration.
//!   An unknown id matches nothing, and an empty id is invalid.
//! - Sorting by NAME (UTF-8 byte order), CREATED_AT, UPDATED_AT or PHASE (enum number) is
//!   ascending unless `sort_order` is DESC. Ties are always broken by UID ascending.
//!   FIELD_UNSPECIFIED, or no `sort`, orders by creation time, newest first, and ignores
//!   `sort_order`.
//! - `page_number` counts from 1 and `page_size` is capped by the store's maximum. Zero
//!   means unset for both: page 1 and [`DEFAULT_PAGE_SIZE`]. Negative values are invalid.
//! - A page past the last returns no backups, `next_page` -1 and `prev_page` set to the
//!   last page, so a client can step back to data. Without matching records,
//!   `total_pages` is 0 and both `next_page` and `prev_page` are -1.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt;

use pds_backup_web::proto::backup::list_backups_request::ListBy;
use pds_backup_web::proto::backup::{Backup, ListBackupsRequest, ListBackupsResponse};
use pds_backup_web::proto::common::{
    sort_by, sort_order, PageBasedPaginationRequest, PageBasedPaginationResponse, Sort,
};
use pds_backup_web::timestamp::Timestamp;

/// Page size used when a request leaves `page_size` at 0 or omits `pagination`, unless the
/// store's maximum page size is smaller.
pub const DEFAULT_PAGE_SIZE: i64 = 50;

/// A stored backup with the ids it can be listed by.
///
/// The `Backup` message names its deployment, cluster and namespace only as keys of
/// `meta.resource_names`, so the store keeps the typed ids beside it.
#[derive(Clone, Debug)]
pub struct BackupRecord {
    /// The backup as returned by the API.
    pub backup: Backup,
    /// UID of the deployment that was backed up.
    pub deployment_id: String,
    /// UID of the target cluster the deployment runs on.
    pub target_cluster_id: String,
    /// UID of the namespace the deployment runs in.
    pub namespace_id: String,
    /// UID of the backup configuration that created the backup.
    pub backup_config_id: String,
}

impl BackupRecord {
    /// Returns the backup's UID, or "" when it has no metadata.
    pub fn uid(&self) -> &str {
        self.backup
            .meta
            .as_ref()
            .map_or("", |meta| meta.uid.as_str())
    }

    fn name(&self) -> &str {
        self.backup
            .meta
            .as_ref()
            .map_or("", |meta| meta.name.as_str())
    }

    fn create_time(&self) -> Option<Timestamp> {
        self.backup.meta.as_ref().and_then(|meta| meta.create_time)
    }

    fn update_time(&self) -> Option<Timestamp> {
        self.backup.meta.as_ref().and_then(|meta| meta.update_time)
    }

    fn phase(&self) -> i32 {
        self.backup.status.as_ref().map_or(0, |status| status.phase)
    }
}

/// A request that the store rejects.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum QueryError {
    /// A request field has an invalid value. Maps to gRPC INVALID_ARGUMENT.
    InvalidArgument {
        /// Path of the field in the request message, such as `pagination.page_size`.
        field: &'static str,
        /// Explanation of the problem and of how to fix it.
        description: String,
    },
    /// No stored backup has this UID, because it never existed or was deleted. Maps to
    /// gRPC NOT_FOUND.
    NotFound {
        /// The requested UID.
        id: String,
    },
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidArgument { field, description } => {
                write!(f, "invalid {field}: {description}")
            }
            Self::NotFound { id } => write!(f, "backup {id:?} not found"),
        }
    }
}

impl std::error::Error for QueryError {}

/// Backups keyed by UID.
#[derive(Debug)]
pub struct Store {
    records: BTreeMap<String, BackupRecord>,
    max_page_size: i64,
}

impl Store {
    /// Creates a store holding `records`, which must have distinct UIDs, and accepting
    /// page sizes up to `max_page_size` (at least 1).
    pub fn new(records: impl IntoIterator<Item = BackupRecord>, max_page_size: i64) -> Self {
        assert!(
            max_page_size >= 1,
            "max_page_size {max_page_size} must be at least 1"
        );
        let mut by_uid = BTreeMap::new();
        for record in records {
            let uid = record.uid().to_owned();
            let previous = by_uid.insert(uid.clone(), record);
            assert!(previous.is_none(), "duplicate backup uid {uid}");
        }
        Self {
            records: by_uid,
            max_page_size,
        }
    }

    /// Returns the number of stored backups.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// Returns the page size used when the request does not set one.
    pub fn default_page_size(&self) -> i64 {
        DEFAULT_PAGE_SIZE.min(self.max_page_size)
    }

    /// Returns a copy of the backup with UID `id`.
    pub fn get(&self, id: &str) -> Result<Backup, QueryError> {
        require_id(id)?;
        self.records
            .get(id)
            .map(|record| record.backup.clone())
            .ok_or_else(|| QueryError::NotFound { id: id.to_owned() })
    }

    /// Removes the backup with UID `id`.
    pub fn delete(&mut self, id: &str) -> Result<(), QueryError> {
        require_id(id)?;
        self.records
            .remove(id)
            .map(|_| ())
            .ok_or_else(|| QueryError::NotFound { id: id.to_owned() })
    }

    /// Returns one page of the backups that match `request`, in the requested order.
    pub fn list(&self, request: &ListBackupsRequest) -> Result<ListBackupsResponse, QueryError> {
        let filter = Filter::from_request(request.list_by.as_ref())?;
        let order = Order::from_request(request.sort.as_ref())?;
        let page = PageRequest::from_request(
            request.pagination.as_ref(),
            self.default_page_size(),
            self.max_page_size,
        )?;

        let mut matches: Vec<&BackupRecord> = self
            .records
            .values()
            .filter(|record| filter.matches(record))
            .collect();
        matches.sort_by(|a, b| order.compare(a, b));

        let total_records = matches.len() as i64;
        let offset = (page.number - 1).saturating_mul(page.size);
        let backups = matches
            .into_iter()
            .skip(usize::try_from(offset).unwrap_or(usize::MAX))
            .take(page.size as usize)
            .map(|record| record.backup.clone())
            .collect();

        Ok(ListBackupsResponse {
            backups,
            pagination: Some(page.response(total_records)),
        })
    }
}

fn require_id(id: &str) -> Result<(), QueryError> {
    if id.is_empty() {
        return Err(QueryError::InvalidArgument {
            field: "id",
            description: "missing backup id: set id to the UID of a backup".to_owned(),
        });
    }
    Ok(())
}

/// The `list_by` filter of a list request.
enum Filter<'a> {
    All,
    Deployment(&'a str),
    TargetCluster(&'a str),
    Namespace(&'a str),
    BackupConfig(&'a str),
}

impl<'a> Filter<'a> {
    fn from_request(list_by: Option<&'a ListBy>) -> Result<Self, QueryError> {
        let (field, filter) = match list_by {
            None => return Ok(Self::All),
            Some(ListBy::DeploymentId(id)) => ("deployment_id", Self::Deployment(id)),
            Some(ListBy::TargetClusterId(id)) => ("target_cluster_id", Self::TargetCluster(id)),
            Some(ListBy::NamespaceId(id)) => ("namespace_id", Self::Namespace(id)),
            Some(ListBy::BackupConfigId(id)) => ("backup_config_id", Self::BackupConfig(id)),
        };
        let id = match filter {
            Self::All => "",
            Self::Deployment(id)
            | Self::TargetCluster(id)
            | Self::Namespace(id)
            | Self::BackupConfig(id) => id,
        };
        if id.is_empty() {
            return Err(QueryError::InvalidArgument {
                field,
                description: format!(
                    "{field} is set but empty: set it to a UID, or leave list_by unset to \
                     list all backups"
                ),
            });
        }
        Ok(filter)
    }

    fn matches(&self, record: &BackupRecord) -> bool {
        match self {
            Self::All => true,
            Self::Deployment(id) => record.deployment_id == *id,
            Self::TargetCluster(id) => record.target_cluster_id == *id,
            Self::Namespace(id) => record.namespace_id == *id,
            Self::BackupConfig(id) => record.backup_config_id == *id,
        }
    }
}

/// The sort order of a list request.
struct Order {
    field: sort_by::Field,
    descending: bool,
}

impl Order {
    fn from_request(sort: Option<&Sort>) -> Result<Self, QueryError> {
        let Some(sort) = sort else {
            return Ok(Self {
                field: sort_by::Field::Unspecified,
                descending: false,
            });
        };
        let field =
            sort_by::Field::try_from(sort.sort_by).map_err(|_| QueryError::InvalidArgument {
                field: "sort.sort_by",
                description: format!(
                    "unknown sort field {}: expected 0 (FIELD_UNSPECIFIED), 1 (NAME), \
                     2 (CREATED_AT), 3 (UPDATED_AT) or 4 (PHASE)",
                    sort.sort_by
                ),
            })?;
        let order = sort_order::Value::try_from(sort.sort_order).map_err(|_| {
            QueryError::InvalidArgument {
                field: "sort.sort_order",
                description: format!(
                    "unknown sort order {}: expected 0 (VALUE_UNSPECIFIED), 1 (ASC) or \
                     2 (DESC)",
                    sort.sort_order
                ),
            }
        })?;
        Ok(Self {
            field,
            descending: order == sort_order::Value::Desc,
        })
    }

    fn compare(&self, a: &BackupRecord, b: &BackupRecord) -> Ordering {
        let primary = match self.field {
            sort_by::Field::Unspecified => b.create_time().cmp(&a.create_time()),
            sort_by::Field::Name => a.name().cmp(b.name()),
            sort_by::Field::CreatedAt => a.create_time().cmp(&b.create_time()),
            sort_by::Field::UpdatedAt => a.update_time().cmp(&b.update_time()),
            sort_by::Field::Phase => a.phase().cmp(&b.phase()),
        };
        let primary = if self.descending && self.field != sort_by::Field::Unspecified {
            primary.reverse()
        } else {
            primary
        };
        primary.then_with(|| a.uid().cmp(b.uid()))
    }
}

/// A validated page request.
struct PageRequest {
    number: i64,
    size: i64,
}

impl PageRequest {
    fn from_request(
        pagination: Option<&PageBasedPaginationRequest>,
        default_size: i64,
        max_size: i64,
    ) -> Result<Self, QueryError> {
        let requested = pagination.copied().unwrap_or_default();
        if requested.page_number < 0 {
            return Err(QueryError::InvalidArgument {
                field: "pagination.page_number",
                description: format!(
                    "page_number must not be negative, got {}: pages are numbered from 1, \
                     and 0 means the first page",
                    requested.page_number
                ),
            });
        }
        if requested.page_size < 0 {
            return Err(QueryError::InvalidArgument {
                field: "pagination.page_size",
                description: format!(
                    "page_size must not be negative, got {}: use 0 for the default of \
                     {default_size}",
                    requested.page_size
                ),
            });
        }
        if requested.page_size > max_size {
            return Err(QueryError::InvalidArgument {
                field: "pagination.page_size",
                description: format!(
                    "page_size {} exceeds the maximum of {max_size}",
                    requested.page_size
                ),
            });
        }

        Ok(Self {
            number: if requested.page_number == 0 {
                1
            } else {
                requested.page_number
            },
            size: if requested.page_size == 0 {
                default_size
            } else {
                requested.page_size
            },
        })
    }

    fn response(&self, total_records: i64) -> PageBasedPaginationResponse {
        let total_pages = (total_records + self.size - 1) / self.size;
        let next_page = if self.number < total_pages {
            self.number + 1
        } else {
            -1
        };
        let prev_page = if total_pages == 0 || self.number == 1 {
            -1
        } else if self.number > total_pages {
            total_pages
        } else {
            self.number - 1
        };
        PageBasedPaginationResponse {
            total_records,
            current_page: self.number,
            page_size: self.size,
            total_pages,
            next_page,
            prev_page,
        }
    }
}

#[cfg(test)]
mod tests {
    use pds_backup_web::proto::backup::{status::Phase, Status};
    use pds_backup_web::proto::common::Meta;

    use super::*;

    const DEPLOYMENT_A: &str = "dep-a";
    const DEPLOYMENT_B: &str = "dep-b";

    /// Builds a record whose other ids derive from its deployment: cluster `cluster-<d>`,
    /// namespace `ns-<d>` and configuration `cfg-<d>`.
    fn record(
        uid: &str,
        name: &str,
        created: i64,
        updated: i64,
        phase: Phase,
        deployment: &str,
    ) -> BackupRecord {
        BackupRecord {
            backup: Backup {
                meta: Some(Meta {
                    uid: uid.to_owned(),
                    name: name.to_owned(),
                    create_time: Some(Timestamp {
                        seconds: created,
                        nanos: 0,
                    }),
                    update_time: Some(Timestamp {
                        seconds: updated,
                        nanos: 0,
                    }),
                    resource_names: Default::default(),
                    ..Meta::default()
                }),
                config: None,
                status: Some(Status {
                    phase: phase as i32,
                    ..Status::default()
                }),
            },
            deployment_id: deployment.to_owned(),
            target_cluster_id: format!("cluster-{deployment}"),
            namespace_id: format!("ns-{deployment}"),
            backup_config_id: format!("cfg-{deployment}"),
        }
    }

    /// Six backups with deliberate ties: `u2` and `u5` share a name and a creation time,
    /// and `u1`, `u3` share a phase.
    fn fixture() -> Store {
        Store::new(
            [
                record("u3", "bravo", 300, 350, Phase::Completed, DEPLOYMENT_A),
                record("u1", "charlie", 100, 900, Phase::Completed, DEPLOYMENT_A),
                record("u5", "alpha", 200, 250, Phase::Failed, DEPLOYMENT_B),
                record("u2", "alpha", 200, 400, Phase::Queued, DEPLOYMENT_B),
                record("u4", "delta", 500, 500, Phase::Unspecified, DEPLOYMENT_A),
                record("u6", "echo", 400, 100, Phase::Failed, DEPLOYMENT_B),
            ],
            1000,
        )
    }

    fn uids(response: &ListBackupsResponse) -> Vec<&str> {
        response
            .backups
            .iter()
            .map(|backup| backup.meta.as_ref().unwrap().uid.as_str())
            .collect()
    }

    fn sorted(field: sort_by::Field, order: sort_order::Value) -> ListBackupsRequest {
        ListBackupsRequest {
            sort: Some(Sort {
                sort_by: field as i32,
                sort_order: order as i32,
            }),
            ..ListBackupsRequest::default()
        }
    }

    fn paged(page_number: i64, page_size: i64) -> ListBackupsRequest {
        ListBackupsRequest {
            pagination: Some(PageBasedPaginationRequest {
                page_number,
                page_size,
            }),
            ..ListBackupsRequest::default()
        }
    }

    fn invalid_field(error: QueryError) -> &'static str {
        match error {
            QueryError::InvalidArgument { field, .. } => field,
            other => panic!("expected InvalidArgument, got {other:?}"),
        }
    }

    #[test]
    fn get_returns_stored_backup() {
        let backup = fixture().get("u4").unwrap();
        assert_eq!(backup.meta.unwrap().name, "delta");
    }

    #[test]
    fn get_empty_id_is_invalid() {
        assert_eq!(invalid_field(fixture().get("").unwrap_err()), "id");
    }

    #[test]
    fn get_unknown_id_not_found() {
        let error = fixture().get("nope").unwrap_err();
        assert_eq!(
            error,
            QueryError::NotFound {
                id: "nope".to_owned()
            }
        );
        assert!(error.to_string().contains("\"nope\""), "{error}");
    }

    #[test]
    fn delete_then_get_not_found() {
        let mut store = fixture();
        store.delete("u2").unwrap();
        assert_eq!(store.len(), 5);
        assert!(matches!(store.get("u2"), Err(QueryError::NotFound { .. })));
        assert_eq!(
            store.delete("u2"),
            Err(QueryError::NotFound {
                id: "u2".to_owned()
            })
        );
        let listed = store.list(&ListBackupsRequest::default()).unwrap();
        assert!(!uids(&listed).contains(&"u2"));
        assert_eq!(listed.pagination.unwrap().total_records, 5);
    }

    #[test]
    fn delete_empty_id_is_invalid() {
        assert_eq!(invalid_field(fixture().delete("").unwrap_err()), "id");
    }

    #[test]
    fn default_order_is_newest_first() {
        let response = fixture().list(&ListBackupsRequest::default()).unwrap();
        assert_eq!(uids(&response), ["u4", "u6", "u3", "u2", "u5", "u1"]);
    }

    #[test]
    fn unspecified_field_ignores_desc() {
        let request = sorted(sort_by::Field::Unspecified, sort_order::Value::Desc);
        let response = fixture().list(&request).unwrap();
        assert_eq!(uids(&response), ["u4", "u6", "u3", "u2", "u5", "u1"]);
    }

    #[test]
    fn sort_by_name_ties_on_uid() {
        let ascending = sorted(sort_by::Field::Name, sort_order::Value::Asc);
        assert_eq!(
            uids(&fixture().list(&ascending).unwrap()),
            ["u2", "u5", "u3", "u1", "u4", "u6"]
        );

        let descending = sorted(sort_by::Field::Name, sort_order::Value::Desc);
        assert_eq!(
            uids(&fixture().list(&descending).unwrap()),
            ["u6", "u4", "u1", "u3", "u2", "u5"]
        );
    }

    #[test]
    fn unspecified_order_is_ascending() {
        let request = sorted(sort_by::Field::Name, sort_order::Value::Unspecified);
        assert_eq!(
            uids(&fixture().list(&request).unwrap()),
            ["u2", "u5", "u3", "u1", "u4", "u6"]
        );
    }

    #[test]
    fn sort_by_created_ties_on_uid() {
        let ascending = sorted(sort_by::Field::CreatedAt, sort_order::Value::Asc);
        assert_eq!(
            uids(&fixture().list(&ascending).unwrap()),
            ["u1", "u2", "u5", "u3", "u6", "u4"]
        );

        let descending = sorted(sort_by::Field::CreatedAt, sort_order::Value::Desc);
        assert_eq!(
            uids(&fixture().list(&descending).unwrap()),
            ["u4", "u6", "u3", "u2", "u5", "u1"]
        );
    }

    #[test]
    fn sort_by_updated() {
        let ascending = sorted(sort_by::Field::UpdatedAt, sort_order::Value::Asc);
        assert_eq!(
            uids(&fixture().list(&ascending).unwrap()),
            ["u6", "u5", "u3", "u2", "u4", "u1"]
        );

        let descending = sorted(sort_by::Field::UpdatedAt, sort_order::Value::Desc);
        assert_eq!(
            uids(&fixture().list(&descending).unwrap()),
            ["u1", "u4", "u2", "u3", "u5", "u6"]
        );
    }

    #[test]
    fn sort_by_phase_number_ties_on_uid() {
        let ascending = sorted(sort_by::Field::Phase, sort_order::Value::Asc);
        assert_eq!(
            uids(&fixture().list(&ascending).unwrap()),
            ["u4", "u2", "u1", "u3", "u5", "u6"]
        );

        let descending = sorted(sort_by::Field::Phase, sort_order::Value::Desc);
        assert_eq!(
            uids(&fixture().list(&descending).unwrap()),
            ["u5", "u6", "u1", "u3", "u2", "u4"]
        );
    }

    #[test]
    fn unknown_sort_values_are_invalid() {
        let unknown_field = ListBackupsRequest {
            sort: Some(Sort {
                sort_by: 9,
                sort_order: 0,
            }),
            ..ListBackupsRequest::default()
        };
        assert_eq!(
            invalid_field(fixture().list(&unknown_field).unwrap_err()),
            "sort.sort_by"
        );

        let unknown_order = ListBackupsRequest {
            sort: Some(Sort {
                sort_by: 1,
                sort_order: -1,
            }),
            ..ListBackupsRequest::default()
        };
        assert_eq!(
            invalid_field(fixture().list(&unknown_order).unwrap_err()),
            "sort.sort_order"
        );
    }

    #[test]
    fn filters_select_matching_ids() {
        let store = fixture();
        let cases = [
            (
                ListBy::DeploymentId(DEPLOYMENT_A.to_owned()),
                vec!["u4", "u3", "u1"],
            ),
            (
                ListBy::TargetClusterId("cluster-dep-b".to_owned()),
                vec!["u6", "u2", "u5"],
            ),
            (
                ListBy::NamespaceId("ns-dep-a".to_owned()),
                vec!["u4", "u3", "u1"],
            ),
            (
                ListBy::BackupConfigId("cfg-dep-b".to_owned()),
                vec!["u6", "u2", "u5"],
            ),
        ];
        for (list_by, expected) in cases {
            let request = ListBackupsRequest {
                list_by: Some(list_by.clone()),
                ..ListBackupsRequest::default()
            };
            let response = store.list(&request).unwrap();
            assert_eq!(uids(&response), expected, "{list_by:?}");
            assert_eq!(response.pagination.unwrap().total_records, 3, "{list_by:?}");
        }
    }

    #[test]
    fn unknown_filter_id_lists_nothing() {
        let request = ListBackupsRequest {
            list_by: Some(ListBy::DeploymentId("missing".to_owned())),
            ..ListBackupsRequest::default()
        };
        let response = fixture().list(&request).unwrap();
        assert!(response.backups.is_empty());
        let pagination = response.pagination.unwrap();
        assert_eq!(pagination.total_records, 0);
        assert_eq!(pagination.total_pages, 0);
        assert_eq!(pagination.current_page, 1);
        assert_eq!(pagination.next_page, -1);
        assert_eq!(pagination.prev_page, -1);
    }

    #[test]
    fn empty_filter_id_is_invalid() {
        let cases = [
            (ListBy::DeploymentId(String::new()), "deployment_id"),
            (ListBy::TargetClusterId(String::new()), "target_cluster_id"),
            (ListBy::NamespaceId(String::new()), "namespace_id"),
            (ListBy::BackupConfigId(String::new()), "backup_config_id"),
        ];
        for (list_by, field) in cases {
            let request = ListBackupsRequest {
                list_by: Some(list_by),
                ..ListBackupsRequest::default()
            };
            assert_eq!(invalid_field(fixture().list(&request).unwrap_err()), field);
        }
    }

    #[test]
    fn omitted_pagination_uses_defaults() {
        let records = (0..120).map(|i| {
            record(
                &format!("id-{i:03}"),
                "same",
                i,
                i,
                Phase::Completed,
                DEPLOYMENT_A,
            )
        });
        let store = Store::new(records, 1000);
        let response = store.list(&ListBackupsRequest::default()).unwrap();
        assert_eq!(response.backups.len(), 50);
        let pagination = response.pagination.unwrap();
        assert_eq!(pagination.total_records, 120);
        assert_eq!(pagination.current_page, 1);
        assert_eq!(pagination.page_size, DEFAULT_PAGE_SIZE);
        assert_eq!(pagination.total_pages, 3);
        assert_eq!(pagination.next_page, 2);
        assert_eq!(pagination.prev_page, -1);
    }

    #[test]
    fn zero_pagination_means_unset() {
        let response = fixture().list(&paged(0, 0)).unwrap();
        let pagination = response.pagination.unwrap();
        assert_eq!(pagination.current_page, 1);
        assert_eq!(pagination.page_size, DEFAULT_PAGE_SIZE);
        assert_eq!(response.backups.len(), 6);
    }

    #[test]
    fn default_page_size_respects_maximum() {
        let store = Store::new([], 20);
        assert_eq!(store.default_page_size(), 20);
    }

    #[test]
    fn middle_page_links_both_ways() {
        let response = fixture().list(&paged(2, 2)).unwrap();
        assert_eq!(uids(&response), ["u3", "u2"]);
        let pagination = response.pagination.unwrap();
        assert_eq!(pagination.total_pages, 3);
        assert_eq!(pagination.next_page, 3);
        assert_eq!(pagination.prev_page, 1);
    }

    #[test]
    fn last_partial_page() {
        let response = fixture().list(&paged(2, 4)).unwrap();
        assert_eq!(uids(&response), ["u5", "u1"]);
        let pagination = response.pagination.unwrap();
        assert_eq!(pagination.total_pages, 2);
        assert_eq!(pagination.next_page, -1);
        assert_eq!(pagination.prev_page, 1);
    }

    #[test]
    fn page_past_last_is_empty() {
        let response = fixture().list(&paged(7, 4)).unwrap();
        assert!(response.backups.is_empty());
        let pagination = response.pagination.unwrap();
        assert_eq!(pagination.current_page, 7);
        assert_eq!(pagination.total_records, 6);
        assert_eq!(pagination.total_pages, 2);
        assert_eq!(pagination.next_page, -1);
        assert_eq!(pagination.prev_page, 2);
    }

    #[test]
    fn huge_page_number_is_empty() {
        let response = fixture().list(&paged(i64::MAX, 1000)).unwrap();
        assert!(response.backups.is_empty());
        assert_eq!(response.pagination.unwrap().prev_page, 1);
    }

    #[test]
    fn pages_cover_every_record_once() {
        let store = fixture();
        let mut seen = Vec::new();
        for page in 1..=4 {
            let response = store.list(&paged(page, 2)).unwrap();
            seen.extend(uids(&response).into_iter().map(str::to_owned));
        }
        assert_eq!(seen, ["u4", "u6", "u3", "u2", "u5", "u1"]);
    }

    #[test]
    fn negative_pagination_is_invalid() {
        assert_eq!(
            invalid_field(fixture().list(&paged(-1, 10)).unwrap_err()),
            "pagination.page_number"
        );
        assert_eq!(
            invalid_field(fixture().list(&paged(1, -10)).unwrap_err()),
            "pagination.page_size"
        );
    }

    #[test]
    fn page_size_above_maximum_is_invalid() {
        let error = fixture().list(&paged(1, 1001)).unwrap_err();
        assert!(error.to_string().contains("maximum of 1000"), "{error}");
        assert_eq!(invalid_field(error), "pagination.page_size");
    }

    #[test]
    fn page_size_at_maximum_is_accepted() {
        let response = fixture().list(&paged(1, 1000)).unwrap();
        assert_eq!(response.pagination.unwrap().page_size, 1000);
    }
}
