// Calls every RPC of the Rust dev server from headless Chromium twice: with Connect-ES's
// grpc-web transport (@connectrpc/connect-web, code from protoc-gen-es) and with this
// package. Connect-ES's `toJson` with default options and the package's output must be
// equal, and errors must carry the same code, raw message and details. The page comes
// from another origin, so both clients also pass the dev server's CORS checks.

import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, it } from "node:test";

import { callConnect, callPackage, openPage, startPageServer } from "./helpers/page.mjs";
import { INTEROP_DIR, startDevserver } from "./helpers/processes.mjs";

const TOKEN = "interop-token";

let devserver;
let pageServer;
let browser;
let page;
let problems;
let catalog;

function viaConnect(method, request, extra = {}) {
  return callConnect(page, { baseUrl: devserver.url, method, request, headers: { authorization: `Bearer ${TOKEN}` }, ...extra });
}

function viaPackage(method, request, options = { token: TOKEN }) {
  return callPackage(page, { baseUrl: devserver.url, options, method, request });
}

/** Calls `method` with both clients, asserts both succeed with equal values, returns the value. */
async function assertSameValue(method, request) {
  const connect = await viaConnect(method, request);
  const pkg = await viaPackage(method, request);
  assert.ok(connect.ok, `Connect-ES failed: ${JSON.stringify(connect.error)}`);
  assert.ok(pkg.ok, `the package failed: ${JSON.stringify(pkg.error)}`);
  assert.deepEqual(pkg.value, connect.value);
  return connect.value;
}

/**
 * Calls `method` with both clients, asserts both fail with the same code and raw message,
 * and returns both errors.
 */
async function assertSameError(method, request, packageOptions = { token: TOKEN }, connectHeaders = { authorization: `Bearer ${TOKEN}` }) {
  const connect = await viaConnect(method, request, { headers: connectHeaders });
  const pkg = await viaPackage(method, request, packageOptions);
  assert.equal(connect.ok, false, "Connect-ES succeeded");
  assert.equal(pkg.ok, false, "the package succeeded");
  assert.equal(pkg.error.code, connect.error.code);
  assert.equal(pkg.error.rawMessage, connect.error.rawMessage);
  return { connect: connect.error, pkg: pkg.error };
}

describe("dev server with Connect-ES and the package", () => {
  before(async () => {
    catalog = JSON.parse(await readFile(path.join(INTEROP_DIR, "catalog.json"), "utf8"));
    [devserver, pageServer] = await Promise.all([startDevserver(["--token", TOKEN, "--allow-origin", "*"]), startPageServer()]);
    ({ browser, page, problems } = await openPage(pageServer.url));
  });
  after(async () => {
    await browser?.close();
    await Promise.all([devserver?.stop(), pageServer?.close()]);
  });

  it("lists every backup alike", async () => {
    for (const pageNumber of [1, 2, 3]) {
      const value = await assertSameValue("listBackups", { sort: { sortBy: "NAME" }, pagination: { pageNumber, pageSize: 1000 } });
      assert.ok(value.backups.length > 0, `page ${pageNumber} has backups`);
    }
  });

  it("lists with each filter alike", async () => {
    const kinds = { deployments: "deploymentId", targetClusters: "targetClusterId", namespaces: "namespaceId", backupConfigs: "backupConfigId" };
    for (const [kind, field] of Object.entries(kinds)) {
      await assertSameValue("listBackups", { [field]: catalog[kind][0].id, pagination: { pageSize: 1000 } });
    }
    await assertSameValue("listBackups", { deploymentId: "no-such-deployment" });
  });

  it("lists with each sort alike", async () => {
    for (const sortBy of ["NAME", "CREATED_AT", "UPDATED_AT", "PHASE"]) {
      for (const sortOrder of ["ASC", "DESC"]) {
        await assertSameValue("listBackups", { sort: { sortBy, sortOrder }, pagination: { pageNumber: 2, pageSize: 300 } });
      }
    }
  });

  it("lists edge pages alike", async () => {
    await assertSameValue("listBackups", {});
    await assertSameValue("listBackups", { pagination: { pageNumber: 400, pageSize: 10 } });
    await assertSameValue("listBackups", { pagination: { pageNumber: "9007199254740991", pageSize: "5" } });
  });

  it("gets backups of every shape alike", async () => {
    const request = (sortOrder) => ({ sort: { sortBy: "PHASE", sortOrder }, pagination: { pageSize: 1000 } });
    const ascending = (await assertSameValue("listBackups", request("ASC"))).backups;
    const descending = (await assertSameValue("listBackups", request("DESC"))).backups;
    const shapes = {
      "no phase": ascending.find((backup) => backup.status?.phase === undefined),
      queued: ascending.find((backup) => backup.status?.phase === "QUEUED"),
      failed: descending.find((backup) => backup.status?.phase === "FAILED"),
      completed: descending.find((backup) => backup.status?.phase === "COMPLETED"),
      "labels and annotations": ascending.find((backup) => backup.meta.labels && backup.meta.annotations),
    };
    for (const [shape, backup] of Object.entries(shapes)) {
      assert.ok(backup, `the listings include a backup with ${shape}`);
      assert.deepEqual(await assertSameValue("getBackup", { id: backup.meta.uid }), backup, shape);
    }
  });

  it("reports server errors alike", async () => {
    assert.equal((await assertSameError("getBackup", { id: "no-such-backup" })).connect.code, 5);
    assert.equal((await assertSameError("listBackups", { pagination: { pageSize: 100000 } })).connect.code, 3);
    const unauthenticated = await assertSameError("listBackups", {}, { token: "wrong" }, { authorization: "Bearer wrong" });
    assert.equal(unauthenticated.connect.code, 16);
  });

  it("decodes error details as proto3 JSON", async () => {
    const { connect, pkg } = await assertSameError("listBackups", { pagination: { pageSize: 100000 } });
    assert.equal(connect.details[0]["@type"], "type.googleapis.com/google.rpc.BadRequest");
    assert.deepEqual(pkg.details, connect.details);
  });

  it("deletes with either client", async () => {
    const { backups } = await assertSameValue("listBackups", { sort: { sortBy: "NAME" }, pagination: { pageSize: 2 } });
    const [first, second] = backups.map((backup) => backup.meta.uid);

    assert.deepEqual(await viaConnect("deleteBackup", { id: first }), { ok: true, value: {} });
    assert.deepEqual(await viaPackage("deleteBackup", { id: second }), { ok: true, value: undefined });
    for (const id of [first, second]) {
      assert.equal((await assertSameError("getBackup", { id })).connect.code, 5);
      assert.equal((await assertSameError("deleteBackup", { id })).connect.code, 5);
    }
  });

  it("serves a newer client", async () => {
    const newer = (method, request) =>
      callConnect(page, { baseUrl: devserver.url, schema: "newer", method, request, headers: { authorization: `Bearer ${TOKEN}` } });
    const request = { sort: { sortBy: "CREATED_AT" }, pagination: { pageSize: 20 } };
    const listed = await newer("listBackups", request);
    assert.ok(listed.ok, JSON.stringify(listed.error));
    assert.deepEqual(listed.value, await assertSameValue("listBackups", request));

    // The dev server's schema has no DeleteBackupRequest.force (field 2), so it skips it.
    const id = listed.value.backups[0].meta.uid;
    assert.deepEqual(await newer("deleteBackup", { id, force: true }), { ok: true, value: {} });
    assert.equal((await assertSameError("getBackup", { id })).connect.code, 5);
  });

  it("logs no page errors", () => {
    assert.deepEqual(problems, []);
  });
});
