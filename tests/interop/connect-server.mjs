#!/usr/bin/env node
// A BackupService written with @connectrpc/connect-node instead of tonic: an independent
// grpc-web server for the package's browser tests. It serves the dev server's seeded
// backups (target/interop/backups.json, from --export-json) with the dev server's query
// semantics (backup-store.mjs), checks the bearer token as the dev server does, and
// serves the catalog at /devserver/catalog.json. Only the grpc-web protocol is enabled.
//
//   tests/interop/connect-server.mjs [--addr 127.0.0.1:0] [--token T] [--data PATH] [--catalog PATH]
//
// Takes --addr and prints `listening on http://IP:PORT` to stdout once the port is bound,
// as the dev server does; port 0 picks a free port. Logs to stderr.

import { readFile } from "node:fs/promises";
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

import { create, fromJson } from "@bufbuild/protobuf";
import { EmptySchema } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";

import { BackupSchema, BackupService } from "../../target/interop/gen/current/public/portworx/pds/backup/apiv1/backup_pb.js";
import { BackupStore } from "./backup-store.mjs";

const INTEROP_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../target/interop");

/** Request headers that a grpc-web client in a browser sends, for the CORS preflight. */
export const ALLOWED_HEADERS = ["authorization", "px-account-id", "grpc-timeout", "x-grpc-web", "x-user-agent", "content-type"];
/** Response headers that a page on another origin must read: the status of trailers-only responses. */
export const EXPOSED_HEADERS = ["grpc-status", "grpc-message", "grpc-status-details-bin"];
const PREFLIGHT_MAX_AGE_SECONDS = 600;

/**
 * Checks `authorization: Bearer <token>` as the dev server does: the scheme is
 * case-insensitive and spaces after it are skipped. Throws UNAUTHENTICATED.
 */
function authorize(token, header) {
  if (token === undefined) return;
  if (header === null) {
    throw new ConnectError(
      "missing bearer token: send the metadata `authorization: Bearer <token>` with the token the dev server was started with (--token)",
      Code.Unauthenticated,
    );
  }
  if (!/^bearer /i.test(header)) {
    throw new ConnectError(
      "missing bearer token: the authorization metadata does not use the Bearer scheme; send `authorization: Bearer <token>`",
      Code.Unauthenticated,
    );
  }
  if (header.slice("bearer ".length).replace(/^ +/, "") !== token) {
    throw new ConnectError(
      "invalid bearer token: it does not match the token the dev server was started with (--token)",
      Code.Unauthenticated,
    );
  }
}

/** Creates the BackupService handlers over `store`. */
function backupService(store, token) {
  return {
    getBackup(request, context) {
      authorize(token, context.requestHeader.get("authorization"));
      return store.get(request.id);
    },
    deleteBackup(request, context) {
      authorize(token, context.requestHeader.get("authorization"));
      store.delete(request.id);
      return create(EmptySchema);
    },
    listBackups(request, context) {
      authorize(token, context.requestHeader.get("authorization"));
      return store.list(request);
    },
  };
}

/** Adds CORS headers for any origin and responds to preflight requests itself. */
function withCors(handler) {
  return (request, response) => {
    response.setHeader("access-control-allow-origin", "*");
    response.setHeader("access-control-expose-headers", EXPOSED_HEADERS.join(", "));
    if (request.method === "OPTIONS") {
      response.writeHead(204, {
        "access-control-allow-methods": "POST, GET, OPTIONS",
        "access-control-allow-headers": ALLOWED_HEADERS.join(", "),
        "access-control-max-age": String(PREFLIGHT_MAX_AGE_SECONDS),
      });
      response.end();
      return;
    }
    handler(request, response);
  };
}

/**
 * Creates the HTTP server. `backups` is the proto3 JSON array that the dev server's
 * --export-json writes, `catalog` the parsed /devserver/catalog.json of the same seed.
 */
export function createConnectServer({ backups, catalog, token }) {
  const store = new BackupStore(
    backups.map((backup) => fromJson(BackupSchema, backup)),
    catalog,
  );
  const catalogJson = JSON.stringify(catalog);
  const rpc = connectNodeAdapter({
    routes: (router) => router.service(BackupService, backupService(store, token)),
    connect: false,
    grpc: false,
    grpcWeb: true,
  });
  const server = http.createServer(
    withCors((request, response) => {
      if (request.method === "GET" && request.url === "/devserver/catalog.json") {
        response.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" });
        response.end(catalogJson);
        return;
      }
      rpc(request, response);
    }),
  );
  server.on("clientError", (error, socket) => {
    console.error(`[connect-server] client error: ${error.message}`);
    socket.destroy();
  });
  return { server, store };
}

async function main() {
  const { values } = parseArgs({
    options: {
      addr: { type: "string", default: "127.0.0.1:0" },
      token: { type: "string" },
      data: { type: "string", default: path.join(INTEROP_DIR, "backups.json") },
      catalog: { type: "string", default: path.join(INTEROP_DIR, "catalog.json") },
    },
  });
  const [backups, catalog] = await Promise.all([values.data, values.catalog].map(async (file) => JSON.parse(await readFile(file, "utf8"))));
  const match = /^(\d+\.\d+\.\d+\.\d+):(\d+)$/.exec(values.addr);
  if (!match) throw new Error(`invalid --addr ${JSON.stringify(values.addr)}: expected IPv4:PORT, such as 127.0.0.1:0`);
  const { server, store } = createConnectServer({ backups, catalog, token: values.token });
  server.listen(Number(match[2]), match[1], () => {
    const { address, port } = server.address();
    console.error(`[connect-server] serving ${store.size} backups, token required: ${values.token !== undefined}`);
    console.log(`listening on http://${address}:${port}`);
  });
  for (const signal of ["SIGINT", "SIGTERM"]) {
    process.once(signal, () => {
      server.close();
      server.closeAllConnections();
    });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    console.error(`[connect-server] failed to start: ${error.stack ?? error}`);
    process.exit(1);
  });
}
