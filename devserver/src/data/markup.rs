//! Backups whose text fields contain HTML and script markup, for XSS tests of a
//! dashboard.

use std::collections::BTreeMap;

use pds_backup_web::proto::backup::{status::Phase, Backup, Config, References, Status};

use super::{add_seconds, base_meta, record_for, timestamp, REFERENCE_SECONDS};
use crate::catalog::{Catalog, CAPABILITY_CLOUDSNAP};
use crate::rng::SplitMix64;
use crate::store::BackupRecord;

/// Markup that a dashboard must show as text and never run.
const IMG_PAYLOAD: &str = "<img src=x onerror=alert(1)>";
const SCRIPT_PAYLOAD: &str = "<script>alert(1)</script>";
const SVG_PAYLOAD: &str = "\"><svg onload=alert(1)>";

/// Builds backups whose name, description, labels, annotations and error message contain
/// HTML and script markup. They are created in the last minute before the reference
/// instant, after every ordinary backup, so the default order lists them first.
pub(super) fn markup_backups(catalog: &Catalog, rng: &mut SplitMix64) -> Vec<BackupRecord> {
    let texts = [
        (
            IMG_PAYLOAD.to_owned(),
            format!("{SCRIPT_PAYLOAD} nightly backup"),
            Phase::Failed,
        ),
        (
            format!("pg-orders-{SCRIPT_PAYLOAD}"),
            format!("{SVG_PAYLOAD} description"),
            Phase::Completed,
        ),
        (
            "javascript:alert(1)".to_owned(),
            "&lt;b&gt;escaped entities&lt;/b&gt; & \"double\" 'single' quotes".to_owned(),
            Phase::Failed,
        ),
    ];

    let mut backups = Vec::with_capacity(texts.len());
    for (index, (name, description, phase)) in texts.into_iter().enumerate() {
        let config = &catalog.backup_configs[index % catalog.backup_configs.len()];
        let cluster =
            catalog.target_cluster(&catalog.deployment(&config.deployment_id).target_cluster_id);
        let created = timestamp(REFERENCE_SECONDS - 50 + index as i64 * 10, 0);
        let start = add_seconds(created, 5);
        let completion = add_seconds(start, 20);

        let mut meta = base_meta(
            catalog,
            config,
            rng.uuid(),
            created,
            add_seconds(completion, 1),
        );
        meta.name = name;
        meta.description = description;
        meta.resource_version = (900_000 + index).to_string();
        meta.labels = BTreeMap::from([
            ("note".to_owned(), IMG_PAYLOAD.to_owned()),
            ("<b>bold-key</b>".to_owned(), SCRIPT_PAYLOAD.to_owned()),
        ]);
        meta.annotations = BTreeMap::from([(
            "pds.portworx.com/comment".to_owned(),
            SVG_PAYLOAD.to_owned(),
        )]);

        let failed = phase == Phase::Failed;
        let backup = Backup {
            meta: Some(meta),
            config: Some(Config {
                references: Some(References {
                    image_id: rng.uuid(),
                }),
                backup_capability: CAPABILITY_CLOUDSNAP.to_owned(),
            }),
            status: Some(Status {
                cloud_snap_id: if failed {
                    String::new()
                } else {
                    format!("{}/markup-{index}", cluster.id)
                },
                start_time: Some(start),
                completion_time: Some(completion),
                phase: phase as i32,
                error_code: if failed {
                    "ErrCloudSnapUploadFailed".to_owned()
                } else {
                    String::new()
                },
                error_message: if failed {
                    format!("upload failed: {SCRIPT_PAYLOAD} {IMG_PAYLOAD}")
                } else {
                    String::new()
                },
                file_size: if failed { 0 } else { 4096 },
            }),
        };
        backups.push(record_for(catalog, config, backup));
    }
    backups
}
