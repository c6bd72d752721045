// Runs the example named by ?example=NAME, then sets body[data-status] to "done" or
// "failed" for the test to read.
const examples = {
  quickstart: () => import("./examples/quickstart.mjs"),
  pager: () => import("./examples/pager.mjs"),
  errors: () => import("./examples/errors.mjs"),
  typed: () => import("./examples/typed.ts"),
  worker: () => import("./examples/worker-main.mjs"),
};

const name = new URLSearchParams(location.search).get("example");
try {
  if (!(name in examples)) throw new Error(`no example named ${name}`);
  await examples[name]();
  document.body.dataset.status = "done";
} catch (error) {
  console.error(error?.stack ?? String(error));
  document.body.dataset.status = "failed";
}
