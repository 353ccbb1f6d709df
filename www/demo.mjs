// `cargo xtask demo`: starts the sandbox, the Worker and the static server
// (www/stack.mjs), prints the URL, and stops everything on Ctrl-C.
// Options: --time-scale N (default 2: an order completes in about 4 s), --no-build.
import { startStack } from "./stack.mjs";

const arg = (name) => {
  const i = process.argv.indexOf(name);
  return i < 0 ? undefined : process.argv[i + 1];
};
const stack = await startStack({ timeScale: Number(arg("--time-scale") ?? 2), build: !process.argv.includes("--no-build") });
console.log(`
  peeker-partner demo
  open            ${stack.url}
  Worker          ${stack.worker.url}  (/api → ${stack.sandbox.base}, /webhooks/peeker, /events)
  peeker-sandbox  ${stack.sandbox.base}
  Ctrl-C stops everything.
`);

let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  console.log("\nstopping the static server, the sandbox and the Worker…");
  await stack.stop();
  console.log("stopped.");
  process.exit(0);
};
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
process.on("SIGHUP", shutdown);
