//! Generates the BackupService client and the proto3 JSON (serde) impls from `proto/`.
//!
//! The protos are compiled in Rust with protox, so no system `protoc` is needed.

use std::env;
use std::path::PathBuf;

const PROTO_ROOT: &str = "proto";
const SERVICE_PROTO: &str = "public/portworx/pds/backup/apiv1/backup.proto";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo:rerun-if-changed={PROTO_ROOT}");

    let descriptors = protox::compile([SERVICE_PROTO], [PROTO_ROOT])?;
    let out_dir = PathBuf::from(env::var("OUT_DIR")?);
    let descriptor_path = out_dir.join("backup_descriptor.bin");
    std::fs::write(
        &descriptor_path,
        prost::Message::encode_to_vec(&descriptors),
    )?;

    // Timestamps use the crate's own type, which prints RFC 3339 with a `Z` suffix as
    // the proto3 JSON mapping requires; the other well-known types come from pbjson-types.
    let mut config = prost_build::Config::new();
    config
        .compile_well_known_types()
        .extern_path(".google.protobuf.Timestamp", "crate::timestamp::Timestamp")
        .extern_path(".google.protobuf", "::pbjson_types");

    tonic_prost_build::configure()
        .build_server(false)
        .build_transport(false)
        .compile_fds_with_config(descriptors, config)?;

    pbjson_build::Builder::new()
        .register_descriptors(&std::fs::read(&descriptor_path)?)?
        .extern_path(".google.protobuf.Timestamp", "crate::timestamp::Timestamp")
        .extern_path(".google.protobuf", "::pbjson_types")
        .build(&[".public"])?;

    Ok(())
}
