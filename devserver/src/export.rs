//! Export of the seeded backups as proto3 JSON.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

use serde_json::{Map, Value};

use crate::store::BackupRecord;

/// Writes `backups` to `path` as a pretty-printed JSON array of `Backup` messages in
/// proto3 JSON: lowerCamelCase names, int64 as strings, enums by name, RFC 3339 UTC
/// timestamps ending in `Z`, and default values left out. Object keys are sorted, so the
/// file is byte-for-byte the same for the same data set.
pub fn write_backups(path: &Path, backups: &[BackupRecord]) -> io::Result<()> {
    let values = backups
        .iter()
        .map(|record| serde_json::to_value(&record.backup).map(sort_keys))
        .collect::<Result<Vec<Value>, _>>()?;

    let mut writer = BufWriter::new(File::create(path)?);
    serde_json::to_writer_pretty(&mut writer, &values)?;
    writer.write_all(b"\n")?;
    writer.flush()
}

/// Returns `value` with the keys of every object in sorted order, so the export does not
/// depend on the order in which the serializer writes fields.
fn sort_keys(value: Value) -> Value {
    match value {
        Value::Object(object) => {
            let mut entries: Vec<(String, Value)> = object.into_iter().collect();
            entries.sort_by(|(a, _), (b, _)| a.cmp(b));
            let sorted: Map<String, Value> = entries
                .into_iter()
                .map(|(key, value)| (key, sort_keys(value)))
                .collect();
            Value::Object(sorted)
        }
        Value::Array(items) => Value::Array(items.into_iter().map(sort_keys).collect()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{generate, SeedOptions};

    fn export(records: usize) -> Value {
        let data = generate(SeedOptions {
            seed: 5,
            records,
            markup: true,
        });
        let path = std::env::temp_dir().join(format!(
            "pds-devserver-export-test-{}-{records}.json",
            std::process::id()
        ));
        write_backups(&path, &data.backups).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::remove_file(&path).unwrap();
        serde_json::from_str(&text).unwrap()
    }

    #[test]
    fn export_is_proto3_json() {
        let value = export(40);
        let backups = value.as_array().unwrap();
        assert_eq!(backups.len(), 43);
        let first = &backups[0];
        let create_time = first["meta"]["createTime"].as_str().unwrap();
        assert!(create_time.ends_with('Z'), "{create_time}");
        assert!(first["status"]["phase"].is_string());
        assert_eq!(first["meta"]["parentReference"]["type"], "backupconfig");
        for backup in backups {
            if let Some(size) = backup["status"].get("fileSize") {
                assert!(size.is_string(), "int64 must be a JSON string: {size}");
            }
        }
    }

    #[test]
    fn export_parses_back_to_backups() {
        let value = export(10);
        for item in value.as_array().unwrap() {
            let backup: pds_backup_web::proto::backup::Backup =
                serde_json::from_value(item.clone()).unwrap();
            assert!(backup.meta.is_some());
        }
    }

    #[test]
    fn sort_keys_orders_nested_objects() {
        let value = serde_json::json!({"b": {"z": 1, "a": 2}, "a": [{"y": 1, "x": 2}]});
        let text = serde_json::to_string(&sort_keys(value)).unwrap();
        assert_eq!(text, r#"{"a":[{"x":2,"y":1}],"b":{"a":2,"z":1}}"#);
    }
}
