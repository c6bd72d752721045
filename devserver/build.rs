//! Generates the BackupService server trait, and a tonic client for the tests, from
//! `../proto`.
//!
//! The messages are not generated here: they come from the `pds-backup-web` crate, so the
//! dev server and the browser client share one set of types and one proto3 JSON mapping.
//! The protos are compiled in Rust with protox, so no system `protoc` is needed.

const PROTO_ROOT: &str = "../proto";
const SERVICE_PROTO: &str = "public/portworx/pds/backup/apiv1/backup.proto";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo:rerun-if-changed={PROTO_ROOT}");

    let descriptors = protox::compile([SERVICE_PROTO], [PROTO_ROOT])?;

    let mut config = prost_build::Config::new();
    config
        .compile_well_known_types()
        .extern_path(".public", "::pds_backup_web::proto::public")
        .extern_path(
            ".google.protobuf.Timestamp",
            "::pds_backup_web::timestamp::Timestamp",
        )
        .extern_path(".google.protobuf", "::pbjson_types");

    // The same extern paths as in `pds-backup-web`, so `google.protobuf.Empty` is
    // `pbjson_types::Empty` on both sides. The tonic client is for the integration tests,
    // which call the server over native gRPC.
    tonic_prost_build::configure()
        .build_client(true)
        .build_server(true)
        .build_transport(false)
        .compile_fds_with_config(descriptors, config)?;

    Ok(())
}
