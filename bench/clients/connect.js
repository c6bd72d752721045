// Connect-ES behind the benchmark's client interface: @connectrpc/connect-web's grpc-web
// transport and code that protoc-gen-es generated from proto/. Calls convert each response
// with toJson, so they resolve to the same proto3 JSON objects as the package's calls.
import { fromBinary, toJson } from "@bufbuild/protobuf";
import { createClient as createConnectClient } from "@connectrpc/connect";
import { createGrpcWebTransport } from "@connectrpc/connect-web";

import {
  BackupSchema,
  BackupService,
  ListBackupsResponseSchema,
} from "../../target/bench/gen/es/public/portworx/pds/backup/apiv1/backup_pb.js";

export async function load() {
  return {};
}

export function decodeListBackupsResponse(bytes) {
  return toJson(ListBackupsResponseSchema, fromBinary(ListBackupsResponseSchema, bytes));
}

export function createClient(baseUrl) {
  // The default is grpc-web with JSON messages, which the dev server rejects with HTTP 400.
  const transport = createGrpcWebTransport({ baseUrl, useBinaryFormat: true });
  const client = createConnectClient(BackupService, transport);
  return {
    getBackup: async (id) => toJson(BackupSchema, await client.getBackup({ id })),
    deleteBackup: async (id) => {
      await client.deleteBackup({ id });
    },
    listBackups: async (pageNumber, pageSize) => {
      const pagination = { pageNumber: BigInt(pageNumber), pageSize: BigInt(pageSize) };
      return toJson(ListBackupsResponseSchema, await client.listBackups({ pagination }));
    },
  };
}
