// Wire-level interop of the package with Connect-ES (@connectrpc/connect-web and
// @bufbuild/protobuf, code from protoc-gen-es), both running in headless Chromium.
//
// - Requests: both clients send the same fixed requests to a recording server, which
//   keeps the raw grpc-web bodies. The bodies must be byte-for-byte equal, and Connect-ES
//   must decode the package's message to the request the package was given.
// - Responses: a fixture server responds with messages that Connect-ES encoded (`toBinary`).
//   Both clients must show them as Connect-ES's `toJson` does (default options): unknown
//   fields dropped, enum numbers that the schema does not define as numbers, int64 as
//   decimal strings, Timestamps in RFC 3339 with Z and 0, 3, 6 or 9 fractional digits.
// - A newer server: messages of tests/interop/proto-newer/ decode with the known fields
//   kept and the new ones dropped, and a newer server decodes the package's requests.

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { create, fromBinary, fromJson, toBinary, toJson } from "@bufbuild/protobuf";
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";

import { current, newer } from "./helpers/generated.mjs";
import { parseFrames, sendMessage } from "./helpers/grpc-web.mjs";
import { callConnect, callPackage, openPage, startPageServer } from "./helpers/page.mjs";

/** Recorded requests: `{ caseName, client, method, headers, body }`. */
const recordings = [];
/** Encoded response messages by fixture name. */
const fixtures = new Map();

const ROUTE = /^\/(record|fixture)\/([^/]+)\/(connect|package)\/public\.portworx\.pds\.backup\.v1\.BackupService\/(\w+)$/;

/** Records requests under /record/, returning an empty message, and serves fixtures under /fixture/. */
function handle(request, response, body) {
  const match = ROUTE.exec(new URL(request.url, "http://localhost").pathname);
  if (!match) {
    response.writeHead(404).end();
    return;
  }
  const [, kind, caseName, client, method] = match;
  const name = decodeURIComponent(caseName);
  if (kind === "record") {
    recordings.push({ caseName: name, client, method, headers: request.headers, body });
    sendMessage(response, new Uint8Array(0));
    return;
  }
  const fixture = fixtures.get(name);
  if (!fixture) throw new Error(`no fixture named ${JSON.stringify(name)}`);
  sendMessage(response, fixture);
}

let server;
let browser;
let page;
let problems;

/** Calls `method` with both clients at `/<kind>/<caseName>/<client>` and returns both results. */
async function callBoth(kind, caseName, method, request, { connect = {}, pkg = {} } = {}) {
  const base = `${server.url}/${kind}/${encodeURIComponent(caseName)}`;
  return {
    connect: await callConnect(page, { baseUrl: `${base}/connect`, method, request, ...connect }),
    pkg: await callPackage(page, { baseUrl: `${base}/package`, method, request, ...pkg }),
  };
}

function recorded(caseName, client) {
  const recording = recordings.find((entry) => entry.caseName === caseName && entry.client === client);
  assert.ok(recording, `the ${client} client sent no request for ${caseName}`);
  return recording;
}

/** The only frame of a recorded request body, which must be a message frame. */
function messageOf(recording) {
  const frames = parseFrames(recording.body);
  assert.equal(frames.length, 1, "one frame per unary request");
  assert.equal(frames[0].flags, 0, "a message frame, uncompressed");
  return frames[0].payload;
}

/**
 * Serves `bytes` as the response of `method` and returns what each client made of them.
 * The request is one that both clients accept.
 */
async function decodeBoth(name, method, bytes) {
  fixtures.set(name, bytes);
  const request = method === "listBackups" ? {} : { id: "fixture" };
  return callBoth("fixture", name, method, request);
}

/** Asserts that both clients show the Connect-ES-encoded `message` as its `toJson` form. */
async function assertDecodesAlike(name, method, message) {
  const schema = current.BackupService.method[method].output;
  const expected = toJson(schema, message);
  const { connect, pkg } = await decodeBoth(name, method, toBinary(schema, message));
  assert.ok(connect.ok, `Connect-ES failed: ${JSON.stringify(connect.error)}`);
  assert.deepEqual(connect.value, expected, "Connect-ES in the browser");
  assert.ok(pkg.ok, `the package failed: ${JSON.stringify(pkg.error)}`);
  assert.deepEqual(pkg.value, expected);
  return pkg.value;
}

/** Raw bytes of one unknown field's value, as Connect-ES keeps them in `$unknown`. */
function unknownField(no, wireType, write) {
  const writer = new BinaryWriter();
  write(writer);
  return { no, wireType, data: writer.finish() };
}

function timestamp(seconds, nanos = 0) {
  return { seconds, nanos };
}

/** Builds a Backup with every field set and maps with non-ASCII keys and an empty value. */
function fullBackup() {
  return create(current.BackupSchema, {
    meta: {
      uid: "0b6f4f2e-6a0c-4d0e-9a57-0f0f63f9a1c2",
      name: "pg-orders-nightly-20261129-0312",
      description: "Nightly full backup of PostgreSQL — «pg-orders» 日本語 𝄞",
      resourceVersion: "1000123",
      createTime: timestamp(1_795_926_720n, 794_000_000),
      updateTime: timestamp(1_795_926_901n, 5),
      labels: { env: "prod", "pds.portworx.com/data-service": "postgresql", "ключ ✓": "значение", empty: "" },
      annotations: { "pds.portworx.com/triggered-by": "schedule/pg-orders-nightly" },
      parentReference: { type: "backupconfig", version: "v1", uid: "7775b610-c9de-4a98-a747-e518bbfe3dcc" },
      resourceNames: { "55289554-a24a-4984-8739-759f61386ce5": "pg-orders", "e693fab8-341c-48f4-90cc-9bf9377aa1bd": "pds-payments" },
    },
    config: { references: { imageId: "img-42" }, backupCapability: "pds_backup_capability_cloudsnap" },
    status: {
      cloudSnapId: "9486c110/1234-5678901234",
      startTime: timestamp(1_795_926_750n, 123_456_000),
      completionTime: timestamp(1_795_926_900n),
      phase: current.Status_Phase.COMPLETED,
      errorCode: "",
      errorMessage: "",
      fileSize: 123_456_789_012n,
    },
  });
}

const REQUEST_CASES = {
  "get by UUID": ["getBackup", { id: "0b6f4f2e-6a0c-4d0e-9a57-0f0f63f9a1c2" }],
  "get by non-ASCII id": ["getBackup", { id: "backup-ü-日本-𝄞" }],
  "delete by UUID": ["deleteBackup", { id: "0b6f4f2e-6a0c-4d0e-9a57-0f0f63f9a1c2" }],
  "list with no fields": ["listBackups", {}],
  "list with every field": [
    "listBackups",
    { deploymentId: "dep-1", pagination: { pageNumber: 3, pageSize: 25 }, sort: { sortBy: "CREATED_AT", sortOrder: "DESC" } },
  ],
  "list by target cluster": ["listBackups", { targetClusterId: "cluster-1" }],
  "list by namespace": ["listBackups", { namespaceId: "ns-1" }],
  "list by backup config": ["listBackups", { backupConfigId: "cfg-1" }],
  "list the largest safe page": ["listBackups", { pagination: { pageNumber: "9007199254740991", pageSize: "1000" } }],
  "list with empty pagination and sort": ["listBackups", { pagination: {}, sort: {} }],
  "list sorted by name only": ["listBackups", { sort: { sortBy: "NAME" } }],
  "list with enum numbers": ["listBackups", { sort: { sortBy: 4, sortOrder: 1 } }],
  "list with proto field names": [
    "listBackups",
    { backup_config_id: "cfg-1", pagination: { page_number: 2, page_size: 10 }, sort: { sort_by: "UPDATED_AT", sort_order: "ASC" } },
  ],
};

describe("wire interop with Connect-ES", () => {
  before(async () => {
    server = await startPageServer(handle);
    ({ browser, page, problems } = await openPage(server.url));
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  describe("request bytes", () => {
    for (const [name, [method, request]] of Object.entries(REQUEST_CASES)) {
      it(`encodes ${name} alike`, async () => {
        const { connect, pkg } = await callBoth("record", name, method, request);
        assert.ok(connect.ok, `Connect-ES failed: ${JSON.stringify(connect.error)}`);
        assert.ok(pkg.ok, `the package failed: ${JSON.stringify(pkg.error)}`);

        const fromPackage = recorded(name, "package").body;
        assert.equal(fromPackage.toString("hex"), recorded(name, "connect").body.toString("hex"));

        const schema = current.BackupService.method[method].input;
        const decoded = fromBinary(schema, messageOf(recorded(name, "package")));
        assert.deepEqual(toJson(schema, decoded), toJson(schema, fromJson(schema, request)));
      });
    }

    it("sends the same metadata", async () => {
      const name = "metadata";
      await callBoth("record", name, "getBackup", { id: "b-1" }, {
        connect: { headers: { authorization: "Bearer abc.def", "px-account-id": "acct-1" }, timeoutMs: 5000 },
        pkg: { options: { token: "abc.def", accountId: "acct-1", timeoutMs: 5000 } },
      });
      const connect = recorded(name, "connect").headers;
      const pkg = recorded(name, "package").headers;
      for (const header of ["content-type", "x-grpc-web", "authorization", "px-account-id", "grpc-timeout"]) {
        assert.equal(pkg[header], connect[header], header);
      }
      assert.match(connect["x-user-agent"], /^connect-es\//);
      assert.match(pkg["x-user-agent"], /^pds-backup-web\//);
    });
  });

  describe("response decoding", () => {
    it("decodes every field and map", async () => {
      const value = await assertDecodesAlike("full backup", "getBackup", fullBackup());
      assert.equal(value.meta.labels.empty, "");
      assert.equal(value.status.fileSize, "123456789012");
    });

    it("decodes an empty message", async () => {
      assert.deepEqual(await assertDecodesAlike("empty backup", "getBackup", create(current.BackupSchema)), {});
      const emptyMeta = await assertDecodesAlike("empty meta", "getBackup", create(current.BackupSchema, { meta: {} }));
      assert.deepEqual(emptyMeta, { meta: {} });
    });

    it("decodes timestamps before 1970", async () => {
      const message = create(current.BackupSchema, {
        meta: { createTime: timestamp(-1n, 500_000_000), updateTime: timestamp(-1_577_923_200n, 1_000) },
        status: { startTime: timestamp(-86_400n, 1), completionTime: timestamp(0n) },
      });
      const value = await assertDecodesAlike("before 1970", "getBackup", message);
      assert.equal(value.meta.createTime, "1969-12-31T23:59:59.500Z");
      assert.equal(value.meta.updateTime, "1920-01-01T00:00:00.000001Z");
      assert.equal(value.status.startTime, "1969-12-31T00:00:00.000000001Z");
      assert.equal(value.status.completionTime, "1970-01-01T00:00:00Z");
    });

    it("decodes timestamps at range ends", async () => {
      const message = create(current.BackupSchema, {
        meta: { createTime: timestamp(-62_135_596_800n), updateTime: timestamp(253_402_300_799n, 999_999_999) },
      });
      const value = await assertDecodesAlike("range ends", "getBackup", message);
      assert.equal(value.meta.createTime, "0001-01-01T00:00:00Z");
      assert.equal(value.meta.updateTime, "9999-12-31T23:59:59.999999999Z");
    });

    it("decodes int64 beyond 2^53", async () => {
      for (const fileSize of [9_007_199_254_740_993n, 9_223_372_036_854_775_807n, -9_223_372_036_854_775_808n, -1n]) {
        const message = create(current.BackupSchema, { status: { fileSize } });
        const value = await assertDecodesAlike(`file size ${fileSize}`, "getBackup", message);
        assert.equal(value.status.fileSize, String(fileSize));
      }
      const page = create(current.ListBackupsResponseSchema, {
        backups: [fullBackup(), create(current.BackupSchema, { meta: { uid: "second" } })],
        pagination: {
          totalRecords: 1n << 62n,
          currentPage: 9_007_199_254_740_993n,
          pageSize: 1000n,
          totalPages: 4_611_686_018_427_388n,
          nextPage: 9_007_199_254_740_994n,
          prevPage: -1n,
        },
      });
      const value = await assertDecodesAlike("large pagination", "listBackups", page);
      assert.equal(value.pagination.totalRecords, "4611686018427387904");
    });

    it("drops unknown fields of every wire type", async () => {
      const message = fullBackup();
      message.$unknown = [
        unknownField(99, WireType.Varint, (writer) => writer.uint64(18_446_744_073_709_551_615n)),
        unknownField(100, WireType.Bit64, (writer) => writer.fixed64(1n)),
        unknownField(101, WireType.LengthDelimited, (writer) => writer.bytes(new Uint8Array([0xff, 0x00, 0x80]))),
        unknownField(102, WireType.Bit32, (writer) => writer.fixed32(7)),
        unknownField(103, WireType.StartGroup, (writer) => writer.tag(1, WireType.Varint).int32(5).tag(103, WireType.EndGroup)),
      ];
      message.meta.$unknown = [unknownField(50, WireType.LengthDelimited, (writer) => writer.string("from a newer Meta"))];
      message.status.$unknown = [unknownField(8, WireType.LengthDelimited, (writer) => writer.bytes(new Uint8Array([0x0a, 0x01, 0x78])))];
      const value = await assertDecodesAlike("unknown fields", "getBackup", message);
      assert.deepEqual(value, toJson(current.BackupSchema, fullBackup()));
    });

    it("decodes maps with repeated keys as the last value", async () => {
      // Two map entries with the same key: the protobuf encoding keeps the last one.
      const entry = (value) => {
        const writer = new BinaryWriter();
        writer.tag(1, WireType.LengthDelimited).string("env").tag(2, WireType.LengthDelimited).string(value);
        return writer.finish();
      };
      const meta = new BinaryWriter();
      meta.tag(7, WireType.LengthDelimited).bytes(entry("staging")).tag(7, WireType.LengthDelimited).bytes(entry("prod"));
      const backup = new BinaryWriter();
      backup.tag(1, WireType.LengthDelimited).bytes(meta.finish());
      const bytes = backup.finish();

      assert.deepEqual(toJson(current.BackupSchema, fromBinary(current.BackupSchema, bytes)), { meta: { labels: { env: "prod" } } });
      const { connect, pkg } = await decodeBoth("repeated map key", "getBackup", bytes);
      assert.deepEqual(connect, { ok: true, value: { meta: { labels: { env: "prod" } } } });
      assert.deepEqual(pkg, connect);
    });

    for (const phase of [7, -1]) {
      it(`decodes phase ${phase}, not in the schema`, async () => {
        const message = create(current.BackupSchema, { meta: { uid: "b-1" }, status: { phase } });
        const value = await assertDecodesAlike(`phase ${phase}`, "getBackup", message);
        assert.equal(value.status.phase, phase);
      });
    }
  });

  describe("newer server", () => {
    /** Builds a Backup of the newer schema with Status field 8 set. */
    function newerBackup(uid) {
      return create(newer.BackupSchema, {
        meta: { uid, name: `newer-${uid}`, createTime: timestamp(1_795_926_720n) },
        status: {
          phase: newer.Status_Phase.COMPLETED,
          fileSize: 42n,
          dataServiceDeploymentMetaData: { name: "pg-orders", volumeBytes: 9_007_199_254_740_993n, labels: { tier: "gold" } },
        },
      });
    }

    it("keeps known fields of newer messages", async () => {
      const bytes = toBinary(newer.BackupSchema, newerBackup("n-1"));
      const withNewField = toJson(newer.BackupSchema, fromBinary(newer.BackupSchema, bytes));
      assert.deepEqual(withNewField.status.dataServiceDeploymentMetaData.labels, { tier: "gold" });
      const { dataServiceDeploymentMetaData, ...knownStatus } = withNewField.status;
      const known = { ...withNewField, status: knownStatus };

      const { connect, pkg } = await decodeBoth("newer backup", "getBackup", bytes);
      assert.deepEqual(connect, { ok: true, value: known }, "Connect-ES with the current schema");
      assert.ok(pkg.ok, `the package failed: ${JSON.stringify(pkg.error)}`);
      assert.deepEqual(pkg.value, known);
      assert.equal("dataServiceDeploymentMetaData" in pkg.value.status, false);
    });

    it("keeps known fields of a newer page", async () => {
      const response = create(newer.ListBackupsResponseSchema, {
        backups: [newerBackup("n-1"), newerBackup("n-2"), newerBackup("n-3")],
        pagination: { totalRecords: 3n, currentPage: 1n, pageSize: 50n, totalPages: 1n, nextPage: -1n, prevPage: -1n },
      });
      const bytes = toBinary(newer.ListBackupsResponseSchema, response);
      const expected = toJson(current.ListBackupsResponseSchema, fromBinary(current.ListBackupsResponseSchema, bytes));
      assert.equal(expected.backups.length, 3);

      const { connect, pkg } = await decodeBoth("newer page", "listBackups", bytes);
      assert.deepEqual(connect, { ok: true, value: expected });
      assert.deepEqual(pkg, connect);
    });

    it("decodes the package's delete as not forced", async () => {
      const name = "delete for a newer server";
      await callBoth("record", name, "deleteBackup", { id: "b-1" });
      const decoded = fromBinary(newer.DeleteBackupRequestSchema, messageOf(recorded(name, "package")));
      assert.equal(decoded.id, "b-1");
      assert.equal(decoded.force, false);
      assert.deepEqual(decoded.$unknown, undefined);
    });
  });

  it("logs no page errors", () => {
    assert.deepEqual(problems, []);
  });
});
