// protobuf-ts behind the benchmark's client interface: @protobuf-ts/grpcweb-transport and
// code that @protobuf-ts/plugin generated from proto/ with its default options. Calls
// convert each response with toJson, so they resolve to the same proto3 JSON objects as
// the package's calls.
import { GrpcWebFetchTransport } from "@protobuf-ts/grpcweb-transport";

import { Backup, ListBackupsRequest, ListBackupsResponse } from "../../target/bench/gen/ts/public/portworx/pds/backup/apiv1/backup.ts";
import { BackupServiceClient } from "../../target/bench/gen/ts/public/portworx/pds/backup/apiv1/backup.client.ts";

export async function load() {
  return {};
}

export function decodeListBackupsResponse(bytes) {
  return ListBackupsResponse.toJson(ListBackupsResponse.fromBinary(bytes));
}

export function createClient(baseUrl) {
  const transport = new GrpcWebFetchTransport({ baseUrl, format: "binary" });
  const client = new BackupServiceClient(transport);
  return {
    getBackup: async (id) => Backup.toJson((await client.getBackup({ id })).response),
    deleteBackup: async (id) => {
      await client.deleteBackup({ id });
    },
    listBackups: async (pageNumber, pageSize) => {
      // create() fills in the empty oneof, which the binary writer reads.
      const request = ListBackupsRequest.create({
        pagination: { pageNumber: BigInt(pageNumber), pageSize: BigInt(pageSize) },
      });
      return ListBackupsResponse.toJson((await client.listBackups(request)).response);
    },
  };
}
