//! Browser client for the Portworx Data Services BackupService over grpc-web.

// Native builds compile the protocol and validation code for its unit tests; the JS layer
// that uses the rest exists only on wasm32.
#![cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]

pub mod code;
mod details;
mod grpc_web;
mod input;
pub mod metadata;
mod options;
mod pages;
mod request;
mod retry;
pub mod status;
pub mod timestamp;
mod transcode;
pub mod transport;
#[cfg(target_arch = "wasm32")]
mod web;

pub use code::Code;
#[cfg(target_arch = "wasm32")]
pub use web::api::{decode_list_backups_response, BackupClient, BackupPager};

/// Messages and the BackupService client generated from `proto/`, in modules that
/// mirror the proto packages.
pub mod proto {
    #![allow(missing_docs, clippy::all)]

    /// The `public` proto package tree.
    pub mod public {
        /// `public.portworx`.
        pub mod portworx {
            /// `public.portworx.common`.
            pub mod common {
                /// `public.portworx.common.v1`: metadata, pagination and sort types.
                pub mod v1 {
                    include!(concat!(env!("OUT_DIR"), "/public.portworx.common.v1.rs"));
                    include!(concat!(
                        env!("OUT_DIR"),
                        "/public.portworx.common.v1.serde.rs"
                    ));
                }
            }

            /// `public.portworx.pds`.
            pub mod pds {
                /// `public.portworx.pds.backup`.
                pub mod backup {
                    /// `public.portworx.pds.backup.v1`: the BackupService and its messages.
                    pub mod v1 {
                        include!(concat!(
                            env!("OUT_DIR"),
                            "/public.portworx.pds.backup.v1.rs"
                        ));
                        include!(concat!(
                            env!("OUT_DIR"),
                            "/public.portworx.pds.backup.v1.serde.rs"
                        ));
                    }
                }
            }
        }
    }

    pub use public::portworx::common::v1 as common;
    pub use public::portworx::pds::backup::v1 as backup;
}
