//! Descriptions, labels and annotations of seeded backups.

use std::collections::BTreeMap;

use crate::catalog::{BackupConfig, Schedule};
use crate::rng::SplitMix64;

const TEAMS: [&str; 4] = ["payments", "platform", "search", "growth"];
const USERS: [&str; 3] = ["alice@example.com", "bob@example.com", "oncall@example.com"];

pub(super) fn describe(config: &BackupConfig, data_service: &str) -> String {
    match config.schedule {
        Schedule::Hourly { .. } => format!("Hourly incremental backup of {data_service}."),
        Schedule::Nightly { .. } => {
            format!(
                "Scheduled nightly full backup of {data_service} ({}).",
                config.name
            )
        }
        Schedule::Weekly { .. } => {
            format!("Weekly full backup of {data_service}, kept for 90 days.")
        }
        Schedule::OnDemand => "On-demand backup taken before a schema migration.".to_owned(),
    }
}

pub(super) fn labels(
    rng: &mut SplitMix64,
    cluster_name: &str,
    data_service: &str,
) -> BTreeMap<String, String> {
    let environment = cluster_name.split('-').next().unwrap_or("prod");
    let mut labels = BTreeMap::from([
        ("app.kubernetes.io/managed-by".to_owned(), "pds".to_owned()),
        (
            "pds.portworx.com/data-service".to_owned(),
            data_service.to_lowercase().replace(' ', ""),
        ),
        ("env".to_owned(), environment.to_owned()),
    ]);
    if rng.chance(0.5) {
        labels.insert("team".to_owned(), rng.pick(&TEAMS).to_string());
    }
    labels
}

pub(super) fn annotations(rng: &mut SplitMix64, config: &BackupConfig) -> BTreeMap<String, String> {
    let triggered_by = if config.schedule == Schedule::OnDemand {
        format!("user/{}", rng.pick(&USERS))
    } else {
        format!("schedule/{}", config.name)
    };
    let mut annotations =
        BTreeMap::from([("pds.portworx.com/triggered-by".to_owned(), triggered_by)]);
    if rng.chance(0.4) {
        annotations.insert("pds.portworx.com/retention".to_owned(), "30d".to_owned());
    }
    annotations
}
