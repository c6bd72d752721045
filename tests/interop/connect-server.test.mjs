// Checks that the Connect server (connect-server.mjs) responds to every request as the Rust
// dev server does, so the browser tests that run against it test the package and not a
// different service. Both servers are called with Connect-ES's grpc-web transport for
// Node over HTTP/1.1; responses are compared in their proto3 JSON form, errors by code,
// raw message and the bytes of each detail.

import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, it } from "node:test";

import { toJson } from "@bufbuild/protobuf";
import { ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcWebTransport } from "@connectrpc/connect-node";

import { current } from "./helpers/generated.mjs";
import { INTEROP_DIR, startConnectServer, startDevserver } from "./helpers/processes.mjs";

const TOKEN = "interop-token";
const AUTHORIZED = { authorization: `Bearer ${TOKEN}` };

let servers;
let catalog;

/** Calls `method` on one server and returns `{ json }` or `{ error }`. */
async function call(url, method, request, headers = AUTHORIZED) {
  const client = createClient(current.BackupService, createGrpcWebTransport({ baseUrl: url, httpVersion: "1.1" }));
  const descriptor = current.BackupService.method[method];
  try {
    const response = await client[method](request, { headers });
    return { json: toJson(descriptor.output, response) };
  } catch (thrown) {
    const error = ConnectError.from(thrown);
    return {
      error: {
        code: error.code,
        rawMessage: error.rawMessage,
        details: error.details.map((detail) => ({ type: detail.type, hex: Buffer.from(detail.value).toString("hex") })),
      },
    };
  }
}

/** Calls `method` on both servers, asserts that both return the same result and returns it. */
async function assertSameAnswer(method, request, headers) {
  const fromConnect = await call(servers.connect.url, method, request, headers);
  const fromDevserver = await call(servers.devserver.url, method, request, headers);
  assert.deepEqual(fromConnect, fromDevserver);
  return fromDevserver;
}

const LIST_CASES = {
  "no fields": {},
  "second page of 100": { pagination: { pageNumber: 2n, pageSize: 100n } },
  "maximum page size": { pagination: { pageSize: 1000n } },
  "zero pagination means defaults": { pagination: { pageNumber: 0n, pageSize: 0n } },
  "page past the last": { pagination: { pageNumber: 400n, pageSize: 10n } },
  "page number at int64 maximum": { pagination: { pageNumber: 9223372036854775807n, pageSize: 1000n } },
  "unspecified field ignores DESC": { sort: { sortBy: 0, sortOrder: 2 }, pagination: { pageSize: 1000n } },
  "negative page number": { pagination: { pageNumber: -1n } },
  "negative page size": { pagination: { pageSize: -1n } },
  "page size above maximum": { pagination: { pageSize: 1001n } },
  "sort field not in schema": { sort: { sortBy: 9 } },
  "sort order not in schema": { sort: { sortBy: 1, sortOrder: -1 } },
  "empty filter id": { listBy: { case: "namespaceId", value: "" } },
  "unknown filter id": { listBy: { case: "deploymentId", value: "no-such-deployment" } },
};
for (const sortBy of [1, 2, 3, 4]) {
  for (const sortOrder of [0, 1, 2]) {
    LIST_CASES[`sort ${sortBy} order ${sortOrder} page 2`] = { sort: { sortBy, sortOrder }, pagination: { pageNumber: 2n, pageSize: 1000n } };
  }
}

describe("connect server matches dev server", () => {
  before(async () => {
    catalog = JSON.parse(await readFile(path.join(INTEROP_DIR, "catalog.json"), "utf8"));
    const [connect, devserver] = await Promise.all([startConnectServer(["--token", TOKEN]), startDevserver(["--token", TOKEN])]);
    servers = { connect, devserver };
  });
  after(() => Promise.all(Object.values(servers ?? {}).map((server) => server.stop())));

  for (const [name, request] of Object.entries(LIST_CASES)) {
    it(`lists: ${name}`, () => assertSameAnswer("listBackups", request));
  }

  it("lists every record by name", async () => {
    for (const pageNumber of [1n, 2n, 3n]) {
      const answer = await assertSameAnswer("listBackups", { sort: { sortBy: 1 }, pagination: { pageNumber, pageSize: 1000n } });
      assert.ok(answer.json.backups.length > 0, `page ${pageNumber} has backups`);
    }
  });

  it("filters by every catalog id", async () => {
    const kinds = { deployments: "deploymentId", targetClusters: "targetClusterId", namespaces: "namespaceId", backupConfigs: "backupConfigId" };
    for (const [kind, filter] of Object.entries(kinds)) {
      for (const { id } of catalog[kind]) {
        await assertSameAnswer("listBackups", { listBy: { case: filter, value: id }, pagination: { pageSize: 1000n } });
      }
    }
  });

  it("gets backups and errors", async () => {
    const listed = await assertSameAnswer("listBackups", { pagination: { pageSize: 5n } });
    for (const backup of listed.json.backups) {
      await assertSameAnswer("getBackup", { id: backup.meta.uid });
    }
    const missing = await assertSameAnswer("getBackup", { id: "no-such-backup" });
    assert.equal(missing.error.code, 5);
    const empty = await assertSameAnswer("getBackup", { id: "" });
    assert.equal(empty.error.code, 3);
  });

  it("deletes, then reports not found", async () => {
    const listed = await assertSameAnswer("listBackups", { sort: { sortBy: 1 }, pagination: { pageSize: 1n } });
    const id = listed.json.backups[0].meta.uid;
    assert.deepEqual(await assertSameAnswer("deleteBackup", { id }), { json: {} });
    assert.equal((await assertSameAnswer("getBackup", { id })).error.code, 5);
    assert.equal((await assertSameAnswer("deleteBackup", { id })).error.code, 5);
    const after = await assertSameAnswer("listBackups", {});
    assert.equal(after.json.pagination.totalRecords, "2499");
  });

  // Each rejected call is repeated: a server that responds before it reads the request
  // body and then closes the connection fails only the calls whose body write loses the
  // race (Connect-ES for Node reports EPIPE as INTERNAL).
  it("checks the bearer token", async () => {
    for (const headers of [{}, { authorization: `Basic ${TOKEN}` }, { authorization: "Bearer wrong" }]) {
      for (let attempt = 1; attempt <= 10; attempt += 1) {
        const answer = await assertSameAnswer("listBackups", {}, headers);
        assert.equal(answer.error.code, 16, `${JSON.stringify(headers)}, attempt ${attempt}`);
      }
    }
    const answer = await assertSameAnswer("listBackups", { pagination: { pageSize: 1n } }, { authorization: `bEaReR   ${TOKEN}` });
    assert.equal(answer.json.backups.length, 1);
  });
});
