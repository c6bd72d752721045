// Unit tests of CSV serialization and the URL view state (no browser, no server).

import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { CSV_COLUMNS, backupsToCsv, backupsToJson, neutralizeFormula, quoteCsvField, toCsv } from "../../www/js/csv.js";
import { DEFAULT_VIEW, formatView, listRequest, parseView } from "../../www/js/view-state.js";
import { parseCsv } from "./helpers/csv-parse.mjs";

describe("CSV quoting", () => {
  test("leaves plain fields unquoted", () => {
    assert.equal(quoteCsvField("pg-orders-nightly"), "pg-orders-nightly");
  });

  test("quotes commas, quotes and line breaks", () => {
    assert.equal(quoteCsvField("a,b"), '"a,b"');
    assert.equal(quoteCsvField('say "hi"'), '"say ""hi"""');
    assert.equal(quoteCsvField("line1\nline2"), '"line1\nline2"');
    assert.equal(quoteCsvField("cr\r"), '"cr\r"');
  });

  test("ends every record with CRLF", () => {
    assert.equal(toCsv([["a", "b"], ["1", "2"]]), "a,b\r\n1,2\r\n");
  });

  test("writes null and undefined as empty cells", () => {
    assert.equal(toCsv([[null, undefined, ""]]), ",,\r\n");
  });
});

describe("formula guard", () => {
  for (const prefix of ["=", "+", "-", "@", "\t", "\r"]) {
    test(`prefixes a cell starting with ${JSON.stringify(prefix)}`, () => {
      assert.equal(neutralizeFormula(`${prefix}SUM(A1)`), `'${prefix}SUM(A1)`);
    });
  }

  test("leaves other cells alone", () => {
    assert.equal(neutralizeFormula("backup=1"), "backup=1");
  });

  test("guards before quoting", () => {
    assert.equal(toCsv([['=HYPERLINK("http://x","a,b")']]), `"'=HYPERLINK(""http://x"",""a,b"")"\r\n`);
  });
});

describe("backupsToCsv", () => {
  const backup = {
    meta: {
      uid: "u-1",
      name: '=cmd|"/c calc"!A1',
      createTime: "2024-03-01T12:00:00Z",
      updateTime: "2024-03-01T12:05:00Z",
      labels: { team: "db, core" },
    },
    config: { references: { imageId: "img-1" }, backupCapability: "cap" },
    status: {
      phase: "FAILED",
      startTime: "2024-03-01T12:00:00Z",
      completionTime: "2024-03-01T12:01:30Z",
      errorCode: "E42",
      errorMessage: "disk full\nretry later",
    },
  };
  const records = parseCsv(backupsToCsv([backup]));
  const header = records[0];
  const cell = (name) => records[1][header.indexOf(name)];

  test("writes a header and one record", () => {
    assert.deepEqual(header, CSV_COLUMNS.map(([name]) => name));
    assert.equal(records.length, 2);
  });

  test("round-trips a multi-line message", () => {
    assert.equal(cell("error_message"), "disk full\nretry later");
  });

  test("neutralizes a formula in the name", () => {
    assert.equal(cell("name"), `'=cmd|"/c calc"!A1`);
  });

  test("writes duration in seconds and omitted size as 0", () => {
    assert.equal(cell("duration_seconds"), "90");
    assert.equal(cell("file_size_bytes"), "0");
  });

  test("writes labels as JSON", () => {
    assert.equal(cell("labels"), '{"team":"db, core"}');
  });

  test("JSON export keeps the objects unchanged", () => {
    assert.deepEqual(JSON.parse(backupsToJson([backup])), [backup]);
  });
});

describe("view state in the URL", () => {
  test("defaults give an empty query string", () => {
    assert.equal(formatView(DEFAULT_VIEW), "");
    assert.deepEqual(parseView(""), DEFAULT_VIEW);
  });

  test("round-trips every field", () => {
    const view = { filterKind: "backup-config", filterId: "a b&c", sort: "phase", order: "asc", page: 7, pageSize: "max" };
    assert.deepEqual(parseView(formatView(view)), view);
  });

  test("ignores invalid values", () => {
    assert.deepEqual(parseView("?by=planet&id=x&sort=size&order=up&page=-2&size=7"), DEFAULT_VIEW);
  });

  test("ignores a filter kind without an id", () => {
    assert.equal(parseView("?by=namespace").filterKind, "");
  });

  test("builds the ListBackupsRequest", () => {
    const view = { ...DEFAULT_VIEW, filterKind: "target-cluster", filterId: "tc-1", sort: "updated", order: "asc", page: 3, pageSize: "max" };
    assert.deepEqual(listRequest(view, 1000), {
      targetClusterId: "tc-1",
      sort: { sortBy: "UPDATED_AT", sortOrder: "ASC" },
      pagination: { pageNumber: 3, pageSize: 1000 },
    });
  });
});
