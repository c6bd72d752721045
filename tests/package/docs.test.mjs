// Checks that the code blocks of docs/package.md are the files in examples/, which the
// install tests run, so the documentation cannot drift from code that works. A block
// marked `<!-- include: examples/NAME -->` must equal that file.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { REPO_ROOT } from "./helpers.mjs";

const DOC = "docs/package.md";
const doc = readFileSync(path.join(REPO_ROOT, DOC), "utf8");

/** Returns each include marker's path with the code block that follows it. */
function includedBlocks(markdown) {
  const pattern = /<!-- include: (\S+) -->\n```[a-z]*\n([\s\S]*?)```\n/g;
  return [...markdown.matchAll(pattern)].map(([, file, code]) => ({ file, code }));
}

test("every include marker is followed by a code block", () => {
  const markers = doc.match(/<!-- include: \S+ -->/g) ?? [];
  assert.equal(includedBlocks(doc).length, markers.length);
});

test("included code blocks equal their files", () => {
  for (const { file, code } of includedBlocks(doc)) {
    assert.equal(code, readFileSync(path.join(REPO_ROOT, file), "utf8"), `${DOC}: the block of ${file} differs`);
  }
});

test("every example is included in the docs", () => {
  const included = new Set(includedBlocks(doc).map(({ file }) => file));
  for (const name of readdirSync(path.join(REPO_ROOT, "examples"))) {
    assert.ok(included.has(`examples/${name}`), `examples/${name} is not included in ${DOC}`);
  }
});

test("include markers parse from markdown", () => {
  const markdown = "<!-- include: examples/a.mjs -->\n```js\nconst a = 1;\n```\ntext\n";
  assert.deepEqual(includedBlocks(markdown), [{ file: "examples/a.mjs", code: "const a = 1;\n" }]);
});
