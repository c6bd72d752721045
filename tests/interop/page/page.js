// The browser side of the interop tests. Each function makes one call, with Connect-ES's
// grpc-web transport or with this package (/pkg/pds_backup_web.js), and returns its result
// as plain data for the tests in Node to compare:
//
//   { ok: true, json }   json is the response in proto3 JSON as text, or undefined
//   { ok: false, error } error has the numeric gRPC code, the raw message and the details
//
// Connect-ES's JSON is `toJson` with default options. Details are shown in the JSON form of
// google.protobuf.Any, the form that the package uses for them.

import { create, createRegistry, fromJson, toJson } from "@bufbuild/protobuf";
import { AnySchema } from "@bufbuild/protobuf/wkt";
import { ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcWebTransport } from "@connectrpc/connect-web";

import { BackupService as CurrentBackupService } from "../../../target/interop/gen/current/public/portworx/pds/backup/apiv1/backup_pb.js";
import { BackupService as NewerBackupService } from "../../../target/interop/gen/newer/public/portworx/pds/backup/apiv1/backup_pb.js";
import { BadRequestSchema } from "../../../target/interop/gen/rpc/google/rpc/error_details_pb.js";

/** Services by schema: proto/ as it is, or with tests/interop/proto-newer/ laid over it. */
const SERVICES = { current: CurrentBackupService, newer: NewerBackupService };
const detailRegistry = createRegistry(BadRequestSchema);

let pkg;

/** Loads and initializes the package once. */
async function loadPackage() {
  pkg ??= await import("/pkg/pds_backup_web.js");
  await pkg.default();
}

/** Converts one detail of a received ConnectError to the JSON form of google.protobuf.Any. */
function detailJson(detail) {
  const any = create(AnySchema, { typeUrl: `type.googleapis.com/${detail.type}`, value: detail.value });
  return toJson(AnySchema, any, { registry: detailRegistry });
}

/**
 * Calls `method` ("getBackup", "deleteBackup" or "listBackups") with Connect-ES. `request`
 * is the request in proto3 JSON, `schema` is "current" or "newer".
 */
async function callConnect({ baseUrl, schema = "current", method, request = {}, headers = {}, timeoutMs }) {
  const service = SERVICES[schema];
  const descriptor = service.method[method];
  const client = createClient(service, createGrpcWebTransport({ baseUrl, useBinaryFormat: true }));
  try {
    const response = await client[method](fromJson(descriptor.input, request), { headers, timeoutMs });
    return { ok: true, json: JSON.stringify(toJson(descriptor.output, response)) };
  } catch (thrown) {
    const error = ConnectError.from(thrown);
    return {
      ok: false,
      error: { code: error.code, rawMessage: error.rawMessage, details: error.details.map(detailJson) },
    };
  }
}

/**
 * Calls `method` with this package. `request` is the request in proto3 JSON: the package
 * takes the whole object for listBackups and the id for getBackup and deleteBackup.
 */
async function callPackage({ baseUrl, options, method, request = {}, callOptions }) {
  await loadPackage();
  try {
    const client = new pkg.BackupClient(baseUrl, options);
    const argument = method === "listBackups" ? request : request.id;
    const response = await client[method](argument, callOptions);
    return { ok: true, json: JSON.stringify(response) };
  } catch (error) {
    return {
      ok: false,
      error: {
        name: error.name,
        code: error.code,
        codeName: error.codeName,
        rawMessage: error.rawMessage,
        message: error.message,
        details: error.details,
      },
    };
  }
}

window.interop = { callConnect, callPackage, ready: loadPackage() };
window.interop.ready.then(
  () => {
    document.getElementById("status").textContent = "ready";
  },
  (error) => {
    document.getElementById("status").textContent = `failed to load the package: ${error}`;
  },
);
