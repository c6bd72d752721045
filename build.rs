//! Generates the messages (prost), the BackupService grpc-web client and the proto3 JSON
//! (pbjson serde) impls from `proto/`.
//!
//! Also writes `types.ts` to OUT_DIR: TypeScript declarations of the messages that the JS
//! API passes and returns, which `src/web/api.rs` adds to the package's `.d.ts`.
//!
//! The protos are compiled in Rust with protox, so no system `protoc` is needed.

use std::env;
use std::path::PathBuf;

#[path = "build/client.rs"]
mod client;
#[path = "build/enums.rs"]
mod enums;
#[path = "build/transcode.rs"]
mod transcode;
#[path = "build/typescript.rs"]
mod typescript;

use typescript::Direction;

const PROTO_ROOT: &str = "proto";
const SERVICE_PROTO: &str = "public/portworx/pds/backup/apiv1/backup.proto";

/// The messages that the JS API takes and returns in their proto3 JSON form.
const TYPESCRIPT_ROOTS: [(&str, Direction); 3] = [
    (".public.portworx.pds.backup.v1.Backup", Direction::Output),
    (
        ".public.portworx.pds.backup.v1.ListBackupsRequest",
        Direction::Input,
    ),
    (
        ".public.portworx.pds.backup.v1.ListBackupsResponse",
        Direction::Output,
    ),
];

/// The messages that the JS API returns, with their Rust types, which get one-pass
/// transcoders to proto3 JSON.
const TRANSCODE_ROOTS: [(&str, &str); 2] = [
    (
        ".public.portworx.pds.backup.v1.Backup",
        "crate::proto::backup::Backup",
    ),
    (
        ".public.portworx.pds.backup.v1.ListBackupsResponse",
        "crate::proto::backup::ListBackupsResponse",
    ),
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo:rerun-if-changed={PROTO_ROOT}");
    println!("cargo:rerun-if-changed=build");

    let descriptors = protox::compile([SERVICE_PROTO], [PROTO_ROOT])?;
    let out_dir = PathBuf::from(env::var("OUT_DIR")?);
    let types = typescript::generate(&descriptors, &TYPESCRIPT_ROOTS)?;
    let transcoders = transcode::generate(&descriptors, &TRANSCODE_ROOTS)?;
    std::fs::write(out_dir.join("transcode.rs"), transcoders)?;
    std::fs::write(out_dir.join("types.ts"), types)?;
    let descriptor_path = out_dir.join("backup_descriptor.bin");
    std::fs::write(
        &descriptor_path,
        prost::Message::encode_to_vec(&descriptors),
    )?;

    // Timestamps use the crate's own type, which prints RFC 3339 with a `Z` suffix as
    // the proto3 JSON mapping requires. The other well-known types come from pbjson-types.
    let mut config = prost_build::Config::new();
    // Maps are BTreeMaps, so labels and annotations print in sorted key order, the same
    // on every run, and the module carries no hash table code for them.
    config
        .btree_map(["."])
        .compile_well_known_types()
        .extern_path(".google.protobuf.Timestamp", "crate::timestamp::Timestamp")
        .extern_path(".google.protobuf", "::pbjson_types");

    config.service_generator(Box::new(client::ClientGenerator));
    config.compile_fds(descriptors)?;

    pbjson_build::Builder::new()
        .register_descriptors(&std::fs::read(&descriptor_path)?)?
        .extern_path(".google.protobuf.Timestamp", "crate::timestamp::Timestamp")
        .extern_path(".google.protobuf", "::pbjson_types")
        .btree_map(["."])
        .build(&[".public"])?;

    // The rewrite must find the enum fields: Status.phase, Sort.sort_by and Sort.sort_order.
    let mut rewritten = 0;
    for package in ["public.portworx.pds.backup.v1", "public.portworx.common.v1"] {
        let path = out_dir.join(format!("{package}.serde.rs"));
        let (code, count) =
            enums::print_unknown_enum_values_as_numbers(&std::fs::read_to_string(&path)?);
        std::fs::write(&path, code)?;
        rewritten += count;
    }
    if rewritten != 3 {
        return Err(format!(
            "expected to rewrite 3 enum serializers in pbjson's output, found {rewritten}"
        )
        .into());
    }

    Ok(())
}
