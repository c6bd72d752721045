// Unit tests of the dashboard's pure formatting helpers (no browser, no server).

import assert from "node:assert/strict";
import { describe, test } from "node:test";

import {
  durationBetween,
  formatBytes,
  formatCapability,
  formatDuration,
  formatExactBytes,
  formatLocalTime,
  formatUtc,
  parseInt64,
  phaseLabel,
  phaseOf,
  shortenUid,
} from "../../www/js/format.js";
import { dotsPath, layoutChart, summarizeBackups } from "../../www/js/summary-data.js";

describe("formatBytes", () => {
  const cases = [
    ["0", "0 B"],
    ["1", "1 B"],
    ["1023", "1023 B"],
    ["1024", "1.0 KiB"],
    ["1536", "1.5 KiB"],
    ["1048575", "1.0 MiB"], // 1023.999 KiB rounds up to the next unit
    ["1048576", "1.0 MiB"],
    ["5368709120", "5.0 GiB"],
    ["1099511627776", "1.0 TiB"],
    ["2251799813685248", "2048.0 TiB"], // no unit above TiB
    ["9223372036854775807", "8388608.0 TiB"], // int64 maximum
  ];
  for (const [input, expected] of cases) {
    test(`formats ${input} as ${expected}`, () => {
      assert.equal(formatBytes(input), expected);
    });
  }

  test("accepts numbers and BigInts", () => {
    assert.equal(formatBytes(2048), "2.0 KiB");
    assert.equal(formatBytes(3n * 1024n ** 3n), "3.0 GiB");
  });

  test("returns empty text for invalid input", () => {
    assert.equal(formatBytes("12.5"), "");
    assert.equal(formatBytes("abc"), "");
    assert.equal(formatBytes(undefined), "");
  });
});

describe("formatExactBytes", () => {
  test("groups digits and keeps int64 precision", () => {
    assert.equal(formatExactBytes("9223372036854775807"), "9,223,372,036,854,775,807 bytes");
  });

  test("uses the singular for one byte", () => {
    assert.equal(formatExactBytes("1"), "1 byte");
  });
});

describe("parseInt64", () => {
  test("parses decimal strings beyond 2^53 exactly", () => {
    assert.equal(parseInt64("9007199254740993"), 9007199254740993n);
  });

  test("rejects non-integers", () => {
    assert.equal(parseInt64("1e3"), null);
    assert.equal(parseInt64(1.5), null);
  });
});

describe("formatDuration", () => {
  const cases = [
    [0, "0 ms"],
    [850, "850 ms"],
    [1000, "1s"],
    [42_000, "42s"],
    [185_000, "3m 05s"],
    [3_723_000, "1h 02m 03s"],
    [187_800_000, "2d 04h 10m"],
  ];
  for (const [input, expected] of cases) {
    test(`formats ${input} ms as ${expected}`, () => {
      assert.equal(formatDuration(input), expected);
    });
  }

  test("returns empty text for negative durations", () => {
    assert.equal(formatDuration(-1), "");
  });
});

describe("durationBetween", () => {
  test("subtracts RFC 3339 timestamps with fractions", () => {
    assert.equal(durationBetween("2024-03-01T12:00:00Z", "2024-03-01T12:01:30.500Z"), 90_500);
  });

  test("returns null when a timestamp is missing", () => {
    assert.equal(durationBetween("2024-03-01T12:00:00Z", undefined), null);
    assert.equal(durationBetween(undefined, "2024-03-01T12:00:00Z"), null);
  });
});

describe("time formatting", () => {
  test("formatUtc drops zero milliseconds", () => {
    assert.equal(formatUtc("2024-03-01T12:00:05Z"), "2024-03-01 12:00:05 UTC");
  });

  test("formatUtc keeps non-zero milliseconds", () => {
    assert.equal(formatUtc("2024-03-01T12:00:05.250Z"), "2024-03-01 12:00:05.250 UTC");
  });

  test("formatLocalTime converts to the given zone", () => {
    assert.equal(formatLocalTime("2024-03-01T12:00:05Z", { timeZone: "Asia/Tokyo" }), "2024-03-01 21:00:05");
    assert.equal(formatLocalTime("2024-07-01T00:30:00Z", { timeZone: "America/New_York" }), "2024-06-30 20:30:00");
  });

  test("formatLocalTime can leave out seconds", () => {
    assert.equal(formatLocalTime("2024-03-01T12:00:05Z", { timeZone: "UTC", seconds: false }), "2024-03-01 12:00");
  });

  test("formatLocalTime shows midnight as 00", () => {
    assert.equal(formatLocalTime("2024-03-01T00:00:00Z", { timeZone: "UTC" }), "2024-03-01 00:00:00");
  });
});

describe("uid and phase helpers", () => {
  test("shortenUid keeps eight characters", () => {
    assert.equal(shortenUid("0f8c2d6e-1b2a-4c3d-9e8f-a1b2c3d4e5f6"), "0f8c2d6e…");
    assert.equal(shortenUid("short"), "short");
  });

  test("phaseOf reads an omitted phase as unspecified", () => {
    assert.equal(phaseOf({ status: {} }), "PHASE_UNSPECIFIED");
    assert.equal(phaseOf({ status: { phase: "FAILED" } }), "FAILED");
  });

  test("formatCapability drops the common prefix", () => {
    assert.equal(formatCapability("pds_backup_capability_cloudsnap"), "cloudsnap");
    assert.equal(formatCapability("custom"), "custom");
  });

  test("phaseLabel names every phase", () => {
    assert.deepEqual(
      ["COMPLETED", "FAILED", "QUEUED", "PHASE_UNSPECIFIED"].map(phaseLabel),
      ["Completed", "Failed", "Queued", "Unspecified"],
    );
  });
});

describe("summarizeBackups", () => {
  const backups = [
    { meta: { createTime: "2024-03-01T00:00:00Z" }, status: { phase: "COMPLETED", fileSize: "9007199254740993" } },
    { meta: { createTime: "2024-03-02T00:00:00Z" }, status: { phase: "FAILED", errorCode: "E1" } },
    { meta: { createTime: "2024-03-03T00:00:00Z" }, status: { phase: "COMPLETED", fileSize: "7" } },
    { meta: {}, status: {} },
  ];
  const summary = summarizeBackups(backups);

  test("counts every phase", () => {
    assert.deepEqual(summary.countByPhase, { COMPLETED: 2, FAILED: 1, QUEUED: 0, PHASE_UNSPECIFIED: 1 });
    assert.equal(summary.count, 4);
  });

  test("sums sizes exactly as BigInt", () => {
    assert.equal(summary.totalBytes, 9007199254741000n);
  });

  test("skips points without a create time", () => {
    assert.equal(summary.points.length, 3);
  });
});

describe("layoutChart", () => {
  const KiB = 1024;
  const MiB = 1024 ** 2;
  const GiB = 1024 ** 3;
  const layout = layoutChart(
    [
      { time: 0, bytes: 0, phase: "FAILED" },
      { time: 100, bytes: 2 * KiB, phase: "COMPLETED" },
      { time: 200, bytes: 1 * MiB, phase: "COMPLETED" },
      { time: 400, bytes: 1 * GiB, phase: "COMPLETED" },
    ],
    400,
    114,
  );

  test("puts size 0 on the bottom edge", () => {
    assert.deepEqual(layout.byPhase.FAILED, [[0, 114]]);
  });

  test("spaces powers of 1024 evenly", () => {
    // The log axis spans 1 KiB to 1 GiB over the top 100 px, 50 px per power of 1024.
    assert.deepEqual(layout.byPhase.COMPLETED, [
      [100, 95],
      [200, 50],
      [400, 0],
    ]);
  });

  test("ticks at each power and at zero", () => {
    assert.deepEqual(layout.ticks, [
      { y: 100, bytes: KiB },
      { y: 50, bytes: MiB },
      { y: 0, bytes: GiB },
      { y: 114, bytes: 0 },
    ]);
  });

  test("ends the axis at the largest size", () => {
    const ranged = layoutChart(
      [
        { time: 0, bytes: 1 * MiB, phase: "COMPLETED" },
        { time: 1, bytes: 32 * GiB, phase: "COMPLETED" },
      ],
      100,
      114,
    );
    // log1024(32 GiB) = 3.5, so the axis spans 2 to 3.5 and 1 GiB sits at a third of it.
    assert.deepEqual(ranged.ticks, [
      { y: 100, bytes: MiB },
      { y: 33.3, bytes: GiB },
      { y: 0, bytes: 32 * GiB },
    ]);
    assert.deepEqual(ranged.byPhase.COMPLETED, [
      [0, 100],
      [100, 0],
    ]);
  });

  test("centers a single point", () => {
    const single = layoutChart([{ time: 5, bytes: 0, phase: "QUEUED" }], 400, 100);
    assert.deepEqual(single.byPhase.QUEUED, [[200, 100]]);
  });

  test("dotsPath draws zero-length segments", () => {
    assert.equal(dotsPath([[1, 2], [3.5, 4]]), "M1 2h0M3.5 4h0");
  });
});
