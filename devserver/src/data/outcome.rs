//! Phase, times, size and error of a seeded backup.

use pds_backup_web::proto::backup::status::Phase;
use pds_backup_web::timestamp::Timestamp;

use super::{add_seconds, Slot, REFERENCE_SECONDS, SECONDS_PER_DAY, SPAN_DAYS};
use crate::rng::SplitMix64;

/// Error codes and messages of failed backups. They are invented, modelled on common
/// object store, Kubernetes and storage failures, not taken from a PDS control plane.
const FAILURES: [(&str, &str); 9] = [
    (
        "ErrCloudSnapUploadFailed",
        "cloudsnap upload failed: RequestTimeout: the object store did not read from the \
         socket within the timeout period",
    ),
    (
        "ErrBackupTargetUnreachable",
        "backup target bucket \"pds-backups\" is unreachable: dial tcp: i/o timeout",
    ),
    (
        "ErrCredentialsInvalid",
        "backup credentials \"s3-prod\" were rejected: InvalidAccessKeyId: the access key \
         id does not exist",
    ),
    (
        "ErrVolumeNotFound",
        "volume of the data service was not found on the target cluster",
    ),
    (
        "ErrQuiesceTimeout",
        "timed out after 300s waiting for the data service to quiesce writes",
    ),
    (
        "ErrInsufficientStorage",
        "not enough free space in the snapshot pool to hold the backup",
    ),
    (
        "ErrSnapshotFailed",
        "snapshot create failed: volume is degraded, 1 of 3 replicas offline",
    ),
    (
        "ErrBackupJobEvicted",
        "backup job pod was evicted: the node was low on resource: ephemeral-storage",
    ),
    (
        "ErrDeadlineExceeded",
        "backup did not finish within its 6h0m0s deadline",
    ),
];

/// The parts of a backup's status that follow from its phase.
pub(super) struct Outcome {
    pub(super) phase: Phase,
    pub(super) start_time: Option<Timestamp>,
    pub(super) completion_time: Option<Timestamp>,
    pub(super) error: Option<(&'static str, &'static str)>,
    pub(super) file_size: i64,
}

pub(super) fn draw_outcome(rng: &mut SplitMix64, slot: &Slot, size: i64) -> Outcome {
    let queue_delay = if rng.chance(0.05) {
        rng.range(60, 900)
    } else {
        rng.range(2, 45)
    };
    let start = add_seconds(slot.created, queue_delay);
    // Throughput of 20 to 400 MB/s after a fixed setup cost. Above 100 GB it grows with the
    // square root of the size, so multi-terabyte backups take hours rather than days.
    let scale = (size as f64 / 1e11).max(1.0).sqrt();
    let throughput = 10f64.powf(1.3 + rng.next_f64() * 1.3) * 1e6 * scale;
    let duration = 8 + rng.range(0, 30) + (size as f64 / throughput) as i64;
    let completion = add_seconds(start, duration);
    let roll = rng.next_f64();

    if slot.recent || completion.seconds >= REFERENCE_SECONDS {
        let started = start.seconds < REFERENCE_SECONDS && (!slot.recent || roll < 0.5);
        return Outcome {
            phase: Phase::Queued,
            start_time: started.then_some(start),
            completion_time: None,
            error: None,
            file_size: 0,
        };
    }
    if roll < 0.003 {
        return Outcome {
            phase: Phase::Unspecified,
            start_time: None,
            completion_time: None,
            error: None,
            file_size: 0,
        };
    }
    if roll < 0.083 {
        let failed_after = 1 + ((duration - 1) as f64 * rng.next_f64()) as i64;
        return Outcome {
            phase: Phase::Failed,
            start_time: Some(start),
            completion_time: Some(add_seconds(start, failed_after)),
            error: Some(*rng.pick(&FAILURES)),
            file_size: 0,
        };
    }
    Outcome {
        phase: Phase::Completed,
        start_time: Some(start),
        completion_time: Some(completion),
        error: None,
        file_size: size,
    }
}

/// Draws a size around the deployment's typical size, which grows by about 1.8 times over
/// the seeded span, with a standard deviation of about 20%.
pub(super) fn draw_size(rng: &mut SplitMix64, size_log10: f64, created: Timestamp) -> i64 {
    let age_days = (REFERENCE_SECONDS - created.seconds) as f64 / SECONDS_PER_DAY as f64;
    let growth = 0.25 * (1.0 - age_days / SPAN_DAYS as f64);
    let log10 = size_log10 + growth + 0.08 * rng.normal();
    (10f64.powf(log10) as i64).max(1024)
}
