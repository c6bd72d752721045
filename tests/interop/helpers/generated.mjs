// The Connect-ES code that tests/interop/prepare.mjs generates with protoc-gen-es, under
// short names: `current` is proto/, `newer` is proto/ with tests/interop/proto-newer/ laid
// over it.

export * as current from "../../../target/interop/gen/current/public/portworx/pds/backup/apiv1/backup_pb.js";
export * as newer from "../../../target/interop/gen/newer/public/portworx/pds/backup/apiv1/backup_pb.js";
export * as common from "../../../target/interop/gen/current/public/portworx/common/apiv1/meta_pb.js";
export { BadRequestSchema } from "../../../target/interop/gen/rpc/google/rpc/error_details_pb.js";
