//! The tonic implementation of `public.portworx.pds.backup.v1.BackupService` over the
//! in-memory [`Store`].

use std::sync::Arc;
use std::time::Duration;

use pds_backup_web::proto::backup::{
    Backup, DeleteBackupRequest, GetBackupRequest, ListBackupsRequest, ListBackupsResponse,
};
use tokio::sync::RwLock;
use tonic::{Code, Request, Response, Status};
use tonic_types::{ErrorDetails, StatusExt};

use crate::store::{QueryError, Store};

/// Server code generated from `proto/` by `build.rs`. The client in it serves the tests.
#[allow(missing_docs, dead_code, clippy::all)]
pub mod generated {
    include!(concat!(
        env!("OUT_DIR"),
        "/public.portworx.pds.backup.v1.rs"
    ));
}

pub use generated::backup_service_server::{BackupService, BackupServiceServer};

/// BackupService handlers sharing one store.
#[derive(Clone, Debug)]
pub struct BackupApi {
    store: Arc<RwLock<Store>>,
    latency: Duration,
}

impl BackupApi {
    /// Creates handlers over `store` that wait `latency` before handling each RPC.
    pub fn new(store: Store, latency: Duration) -> Self {
        Self {
            store: Arc::new(RwLock::new(store)),
            latency,
        }
    }

    async fn simulate_latency(&self) {
        if !self.latency.is_zero() {
            tokio::time::sleep(self.latency).await;
        }
    }
}

#[tonic::async_trait]
impl BackupService for BackupApi {
    async fn get_backup(
        &self,
        request: Request<GetBackupRequest>,
    ) -> Result<Response<Backup>, Status> {
        self.simulate_latency().await;
        let id = request.into_inner().id;
        let store = self.store.read().await;
        store.get(&id).map(Response::new).map_err(into_status)
    }

    async fn delete_backup(
        &self,
        request: Request<DeleteBackupRequest>,
    ) -> Result<Response<pbjson_types::Empty>, Status> {
        self.simulate_latency().await;
        let id = request.into_inner().id;
        let mut store = self.store.write().await;
        store.delete(&id).map_err(into_status)?;
        tracing::info!(backup_id = %id, remaining = store.len(), "deleted backup");
        Ok(Response::new(pbjson_types::Empty {}))
    }

    async fn list_backups(
        &self,
        request: Request<ListBackupsRequest>,
    ) -> Result<Response<ListBackupsResponse>, Status> {
        self.simulate_latency().await;
        let request = request.into_inner();
        let store = self.store.read().await;
        store.list(&request).map(Response::new).map_err(into_status)
    }
}

/// Converts a store error to a gRPC status. INVALID_ARGUMENT carries a
/// `google.rpc.BadRequest` detail naming the field, in `grpc-status-details-bin`.
fn into_status(error: QueryError) -> Status {
    let message = error.to_string();
    match error {
        QueryError::InvalidArgument { field, description } => Status::with_error_details(
            Code::InvalidArgument,
            message,
            ErrorDetails::with_bad_request_violation(field, description),
        ),
        QueryError::NotFound { .. } => Status::not_found(message),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_argument_carries_bad_request() {
        let status = into_status(QueryError::InvalidArgument {
            field: "pagination.page_size",
            description: "page_size 5000 exceeds the maximum of 1000".to_owned(),
        });
        assert_eq!(status.code(), Code::InvalidArgument);
        assert!(
            status.message().contains("pagination.page_size"),
            "{}",
            status.message()
        );
        let bad_request = status.get_details_bad_request().expect("BadRequest detail");
        assert_eq!(bad_request.field_violations.len(), 1);
        assert_eq!(
            bad_request.field_violations[0].field,
            "pagination.page_size"
        );
    }

    #[test]
    fn not_found_names_the_id() {
        let status = into_status(QueryError::NotFound {
            id: "abc".to_owned(),
        });
        assert_eq!(status.code(), Code::NotFound);
        assert!(status.message().contains("\"abc\""), "{}", status.message());
    }
}
