//! Deterministic seeding of backups.
//!
//! Every value derives from the seed and from [`REFERENCE_SECONDS`], never from the wall
//! clock, so two runs with the same flags serve the same data. Each backup draws from its
//! own sub-stream of the generator and depends only on the records before it, so record
//! `i` is the same whatever `--records` is.

use std::collections::{BTreeMap, HashSet};

use pds_backup_web::proto::backup::{status::Phase, Backup, Config, References, Status};
use pds_backup_web::proto::common::{Meta, Reference};
use pds_backup_web::timestamp::Timestamp;

use crate::catalog::{BackupConfig, Catalog, Schedule};
use crate::rng::SplitMix64;
use crate::store::BackupRecord;

mod markup;
mod metadata;
mod outcome;

use markup::markup_backups;
use metadata::{annotations, describe, labels};
use outcome::{draw_outcome, draw_size};

/// The instant that plays "now" in the seeded data: 2026-11-30T00:00:00Z. All seeded
/// times lie before it.
pub const REFERENCE_SECONDS: i64 = 1_795_996_800;

/// Number of days before [`REFERENCE_SECONDS`] over which backups are spread.
const SPAN_DAYS: i64 = 270;

const SECONDS_PER_DAY: i64 = 86_400;

/// Every this many records, a backup repeats the name and creation time of the record
/// before it, as a retried scheduled run does, so sorting has ties that only the UID
/// breaks.
const DUPLICATE_EVERY: usize = 397;

/// Sub-stream numbers of the generator.
const CATALOG_STREAM: u64 = 1;
const BACKUP_STREAM: u64 = 2;
const MARKUP_STREAM: u64 = 3;

/// Parameters of the seeded data set.
#[derive(Clone, Copy, Debug)]
pub struct SeedOptions {
    /// Seed of the pseudo-random generator.
    pub seed: u64,
    /// Number of ordinary backups.
    pub records: usize,
    /// Whether to add backups whose text fields contain HTML and script markup.
    pub markup: bool,
}

/// The seeded topology and backups.
#[derive(Debug)]
pub struct DataSet {
    /// Clusters, namespaces, deployments and backup configurations.
    pub catalog: Catalog,
    /// Backups in creation order of the generator, not sorted.
    pub backups: Vec<BackupRecord>,
}

/// Builds the data set for `options`.
pub fn generate(options: SeedOptions) -> DataSet {
    let root = SplitMix64::new(options.seed);
    let catalog = Catalog::generate(&mut root.fork(CATALOG_STREAM));
    let weights: Vec<f64> = catalog
        .backup_configs
        .iter()
        .map(|config| config.schedule.weight())
        .collect();

    let backup_stream = root.fork(BACKUP_STREAM);
    let mut backups = Vec::with_capacity(options.records + 4);
    let mut used_names = HashSet::with_capacity(options.records);
    let mut previous_slot = None;
    for index in 0..options.records {
        let mut rng = backup_stream.fork(index as u64);
        let slot = match previous_slot {
            Some(previous) if index % DUPLICATE_EVERY == DUPLICATE_EVERY - 1 => previous,
            _ => draw_unique_slot(&mut rng, &catalog, &weights, &mut used_names),
        };
        backups.push(build_backup(&catalog, &slot, index, &mut rng));
        previous_slot = Some(slot);
    }

    if options.markup {
        backups.extend(markup_backups(&catalog, &mut root.fork(MARKUP_STREAM)));
    }

    DataSet { catalog, backups }
}

/// Maximum number of draws spent looking for an unused backup name.
const MAX_NAME_DRAWS: usize = 20;

/// Draws slots until one gives a name not in `used_names`, and records that name.
///
/// NOTE: a configuration has one name per scheduled run, such as 270 nightly runs in the
/// span, so with a large `--records` the draws run out and some names repeat.
fn draw_unique_slot(
    rng: &mut SplitMix64,
    catalog: &Catalog,
    weights: &[f64],
    used_names: &mut HashSet<String>,
) -> Slot {
    let mut slot = draw_slot(rng, catalog, weights);
    for _ in 1..MAX_NAME_DRAWS {
        if !used_names.contains(&backup_name(catalog, &slot)) {
            break;
        }
        slot = draw_slot(rng, catalog, weights);
    }
    used_names.insert(backup_name(catalog, &slot));
    slot
}

/// The configuration and creation time of one backup.
#[derive(Clone, Copy)]
struct Slot {
    config: usize,
    created: Timestamp,
    /// Whether the backup was created in the last 3 hours and is still queued.
    recent: bool,
}

fn draw_slot(rng: &mut SplitMix64, catalog: &Catalog, weights: &[f64]) -> Slot {
    let config = pick_weighted(rng, weights);
    let schedule = catalog.backup_configs[config].schedule;
    let millis = rng.range(0, 1000);

    if rng.chance(0.012) {
        let seconds = REFERENCE_SECONDS - rng.range(60, 3 * 3600);
        return Slot {
            config,
            created: timestamp(seconds, millis),
            recent: true,
        };
    }

    let mut day_start = REFERENCE_SECONDS - (rng.range(0, SPAN_DAYS) + 1) * SECONDS_PER_DAY;
    let second_of_day = match schedule {
        Schedule::Hourly { minute } => rng.range(0, 24) * 3600 + minute * 60 + rng.range(0, 90),
        Schedule::Nightly { hour, minute } => hour * 3600 + minute * 60 + rng.range(0, 120),
        Schedule::Weekly { weekday, hour } => {
            // 1970-01-01 was a Thursday (weekday 4).
            let current = (day_start / SECONDS_PER_DAY + 4).rem_euclid(7);
            day_start -= (current - weekday).rem_euclid(7) * SECONDS_PER_DAY;
            hour * 3600 + rng.range(0, 120)
        }
        Schedule::OnDemand => rng.range(8 * 3600, 19 * 3600),
    };
    Slot {
        config,
        created: timestamp(day_start + second_of_day, millis),
        recent: false,
    }
}

fn pick_weighted(rng: &mut SplitMix64, weights: &[f64]) -> usize {
    let total: f64 = weights.iter().sum();
    let mut target = rng.next_f64() * total;
    for (index, weight) in weights.iter().enumerate() {
        if target < *weight {
            return index;
        }
        target -= weight;
    }
    weights.len() - 1
}

fn timestamp(seconds: i64, millis: i64) -> Timestamp {
    Timestamp {
        seconds,
        nanos: (millis * 1_000_000) as i32,
    }
}

fn add_seconds(time: Timestamp, seconds: i64) -> Timestamp {
    Timestamp {
        seconds: time.seconds + seconds,
        nanos: time.nanos,
    }
}

/// Returns the name of the backup that `slot` creates: the configuration name followed by
/// the creation time as `YYYYMMDD-HHMM`.
fn backup_name(catalog: &Catalog, slot: &Slot) -> String {
    let config = &catalog.backup_configs[slot.config];
    let text = slot
        .created
        .to_rfc3339()
        .expect("seeded times are in range");
    format!(
        "{}-{}{}{}-{}{}",
        config.name,
        &text[0..4],
        &text[5..7],
        &text[8..10],
        &text[11..13],
        &text[14..16]
    )
}

fn build_backup(
    catalog: &Catalog,
    slot: &Slot,
    index: usize,
    rng: &mut SplitMix64,
) -> BackupRecord {
    let config = &catalog.backup_configs[slot.config];
    let deployment = catalog.deployment(&config.deployment_id);
    let cluster = catalog.target_cluster(&deployment.target_cluster_id);

    let size = draw_size(rng, deployment.size_log10, slot.created);
    let outcome = draw_outcome(rng, slot, size);
    let update_time = match (outcome.completion_time, outcome.start_time) {
        (Some(completion), _) => add_seconds(completion, rng.range(0, 3)),
        (None, Some(start)) => start,
        (None, None) => slot.created,
    };

    let age_days = (REFERENCE_SECONDS - slot.created.seconds) / SECONDS_PER_DAY;
    let image_id = if age_days > deployment.upgrade_day {
        &deployment.image_ids[0]
    } else {
        &deployment.image_ids[1]
    };
    let cloud_snap_id = if outcome.phase == Phase::Completed {
        format!(
            "{}/{}-{}",
            cluster.id,
            deployment.volume_id,
            rng.range(1_000_000_000, 9_999_999_999)
        )
    } else {
        String::new()
    };

    let mut meta = base_meta(catalog, config, rng.uuid(), slot.created, update_time);
    meta.name = backup_name(catalog, slot);
    meta.resource_version = (1_000_000 + index as i64 * 16 + rng.range(0, 16)).to_string();
    if rng.chance(0.35) {
        meta.description = describe(config, deployment.data_service);
    }
    if rng.chance(0.6) {
        meta.labels = labels(rng, &cluster.name, deployment.data_service);
    }
    if rng.chance(0.3) {
        meta.annotations = annotations(rng, config);
    }

    let (error_code, error_message) = outcome.error.unwrap_or(("", ""));
    let backup = Backup {
        meta: Some(meta),
        config: Some(Config {
            references: Some(References {
                image_id: image_id.clone(),
            }),
            backup_capability: cluster.backup_capability.to_owned(),
        }),
        status: Some(Status {
            cloud_snap_id,
            start_time: outcome.start_time,
            completion_time: outcome.completion_time,
            phase: outcome.phase as i32,
            error_code: error_code.to_owned(),
            error_message: error_message.to_owned(),
            file_size: outcome.file_size,
        }),
    };
    record_for(catalog, config, backup)
}

/// Builds the metadata shared by ordinary and markup backups: times, parent reference
/// and resource names.
fn base_meta(
    catalog: &Catalog,
    config: &BackupConfig,
    uid: String,
    created: Timestamp,
    updated: Timestamp,
) -> Meta {
    let deployment = catalog.deployment(&config.deployment_id);
    let namespace = catalog.namespace(&deployment.namespace_id);
    let cluster = catalog.target_cluster(&deployment.target_cluster_id);
    let resource_names = BTreeMap::from([
        (deployment.id.clone(), deployment.name.clone()),
        (cluster.id.clone(), cluster.name.clone()),
        (namespace.id.clone(), namespace.name.clone()),
        (config.id.clone(), config.name.clone()),
    ]);
    Meta {
        uid,
        create_time: Some(created),
        update_time: Some(updated),
        parent_reference: Some(Reference {
            r#type: "backupconfig".to_owned(),
            version: "v1".to_owned(),
            uid: config.id.clone(),
        }),
        resource_names,
        ..Meta::default()
    }
}

fn record_for(catalog: &Catalog, config: &BackupConfig, backup: Backup) -> BackupRecord {
    let deployment = catalog.deployment(&config.deployment_id);
    BackupRecord {
        backup,
        deployment_id: deployment.id.clone(),
        target_cluster_id: deployment.target_cluster_id.clone(),
        namespace_id: deployment.namespace_id.clone(),
        backup_config_id: config.id.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OPTIONS: SeedOptions = SeedOptions {
        seed: 7,
        records: 2500,
        markup: false,
    };

    fn status(record: &BackupRecord) -> &Status {
        record.backup.status.as_ref().unwrap()
    }

    fn meta(record: &BackupRecord) -> &Meta {
        record.backup.meta.as_ref().unwrap()
    }

    fn count_phase(data: &DataSet, phase: Phase) -> usize {
        data.backups
            .iter()
            .filter(|record| status(record).phase == phase as i32)
            .count()
    }

    #[test]
    fn reference_instant_is_end_of_november() {
        let text = Timestamp {
            seconds: REFERENCE_SECONDS,
            nanos: 0,
        }
        .to_rfc3339()
        .unwrap();
        assert_eq!(text, "2026-11-30T00:00:00Z");
    }

    #[test]
    fn same_seed_same_backups() {
        let first = generate(OPTIONS);
        let second = generate(OPTIONS);
        assert_eq!(first.backups.len(), second.backups.len());
        for (a, b) in first.backups.iter().zip(&second.backups) {
            assert_eq!(a.backup, b.backup);
        }
    }

    #[test]
    fn other_seed_other_backups() {
        let first = generate(OPTIONS);
        let second = generate(SeedOptions { seed: 8, ..OPTIONS });
        assert_ne!(meta(&first.backups[0]).uid, meta(&second.backups[0]).uid);
    }

    #[test]
    fn records_are_prefix_stable() {
        let short = generate(SeedOptions {
            records: 100,
            ..OPTIONS
        });
        let long = generate(OPTIONS);
        for (a, b) in short.backups.iter().zip(&long.backups) {
            assert_eq!(a.backup, b.backup);
        }
    }

    #[test]
    fn record_count_and_unique_uids() {
        let data = generate(OPTIONS);
        assert_eq!(data.backups.len(), 2500);
        let uids: HashSet<&str> = data.backups.iter().map(BackupRecord::uid).collect();
        assert_eq!(uids.len(), 2500);
    }

    #[test]
    fn every_phase_occurs() {
        let data = generate(OPTIONS);
        let failed = count_phase(&data, Phase::Failed);
        assert!((150..=260).contains(&failed), "{failed} failed");
        assert!(count_phase(&data, Phase::Queued) >= 10);
        assert!(count_phase(&data, Phase::Unspecified) >= 1);
        assert!(count_phase(&data, Phase::Completed) > 2000);
    }

    #[test]
    fn times_are_consistent() {
        let data = generate(OPTIONS);
        let earliest = REFERENCE_SECONDS - (SPAN_DAYS + 7) * SECONDS_PER_DAY;
        for record in &data.backups {
            let meta = meta(record);
            let status = status(record);
            let created = meta.create_time.unwrap();
            let updated = meta.update_time.unwrap();
            assert!(
                created.seconds >= earliest,
                "{} created too early",
                meta.name
            );
            assert!(
                created.seconds < REFERENCE_SECONDS,
                "{} created after now",
                meta.name
            );
            assert!(updated >= created, "{} updated before created", meta.name);
            if let Some(start) = status.start_time {
                assert!(start >= created, "{} started before created", meta.name);
                assert!(updated >= start, "{} updated before started", meta.name);
            }
            if let Some(completion) = status.completion_time {
                let start = status.start_time.expect("completed backups have started");
                assert!(completion > start, "{} completed before started", meta.name);
                assert!(
                    completion.seconds < REFERENCE_SECONDS,
                    "{} completes after now",
                    meta.name
                );
                assert!(
                    updated >= completion,
                    "{} updated before completed",
                    meta.name
                );
            }
        }
    }

    #[test]
    fn phase_determines_status_fields() {
        let data = generate(OPTIONS);
        for record in &data.backups {
            let status = status(record);
            let name = &meta(record).name;
            match Phase::try_from(status.phase).unwrap() {
                Phase::Completed => {
                    assert!(status.completion_time.is_some(), "{name}");
                    assert!(status.file_size >= 1024, "{name}");
                    assert!(!status.cloud_snap_id.is_empty(), "{name}");
                    assert!(status.error_code.is_empty(), "{name}");
                }
                Phase::Failed => {
                    assert!(status.completion_time.is_some(), "{name}");
                    assert!(!status.error_code.is_empty(), "{name}");
                    assert!(!status.error_message.is_empty(), "{name}");
                }
                Phase::Queued | Phase::Unspecified => {
                    assert!(status.completion_time.is_none(), "{name}");
                    assert_eq!(status.file_size, 0, "{name}");
                }
            }
        }
    }

    #[test]
    fn sizes_span_kilobytes_to_terabytes() {
        let data = generate(OPTIONS);
        let sizes: Vec<i64> = data
            .backups
            .iter()
            .map(|record| status(record).file_size)
            .filter(|size| *size > 0)
            .collect();
        let smallest = *sizes.iter().min().unwrap();
        let largest = *sizes.iter().max().unwrap();
        assert!(smallest < 100_000, "smallest {smallest}");
        assert!(largest > 1_000_000_000_000, "largest {largest}");
    }

    #[test]
    fn some_backups_share_name_and_time() {
        let data = generate(OPTIONS);
        let mut seen = HashSet::new();
        let mut duplicates = 0;
        for record in &data.backups {
            let meta = meta(record);
            if !seen.insert((meta.name.clone(), meta.create_time)) {
                duplicates += 1;
            }
        }
        assert_eq!(
            duplicates,
            2500 / DUPLICATE_EVERY,
            "{duplicates} duplicates"
        );
    }

    #[test]
    fn names_follow_config_and_time() {
        let data = generate(OPTIONS);
        let record = &data.backups[0];
        let config = data
            .catalog
            .backup_configs
            .iter()
            .find(|config| config.id == record.backup_config_id)
            .unwrap();
        let name = &meta(record).name;
        assert!(name.starts_with(&format!("{}-2026", config.name)), "{name}");
        assert_eq!(
            name.len(),
            config.name.len() + "-20260814-0312".len(),
            "{name}"
        );
    }

    #[test]
    fn meta_names_related_resources() {
        let data = generate(OPTIONS);
        for record in data.backups.iter().take(50) {
            let meta = meta(record);
            for id in [
                &record.deployment_id,
                &record.target_cluster_id,
                &record.namespace_id,
                &record.backup_config_id,
            ] {
                assert!(
                    meta.resource_names.contains_key(id),
                    "{} lacks {id}",
                    meta.name
                );
            }
            let parent = meta.parent_reference.as_ref().unwrap();
            assert_eq!(parent.uid, record.backup_config_id);
            assert_eq!(parent.r#type, "backupconfig");
        }
    }

    #[test]
    fn markup_adds_three_backups() {
        let data = generate(SeedOptions {
            records: 10,
            markup: true,
            ..OPTIONS
        });
        assert_eq!(data.backups.len(), 13);
        let markup: Vec<&BackupRecord> = data.backups[10..].iter().collect();
        assert!(markup
            .iter()
            .any(|record| meta(record).name.contains("<img")));
        assert!(markup
            .iter()
            .any(|record| meta(record).name.contains("<script>")));
        assert!(markup
            .iter()
            .any(|record| status(record).error_message.contains("<script>")));
        assert!(markup.iter().all(|record| meta(record)
            .labels
            .values()
            .any(|value| value.contains('<'))));
    }
}
