// End to end as a JavaScript partner, from the local sandbox: `npx peeker
// sandbox`, `peeker listen --forward-to` a Node server that verifies with the
// packed peeker-partner package, and `peeker trigger` of each event type.
import { after, before, test } from "node:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cliTarballs, freshProject, packPartnerPackage } from "./harness.mjs";
import { forwardEveryEventType } from "./forward.mjs";

let project, packDir;
const started = [];

before(() => {
  const { platform, wrapper } = cliTarballs();
  packDir = mkdtempSync(join(tmpdir(), "peeker-partner-pack-"));
  project = freshProject([wrapper, platform, packPartnerPackage(packDir)]);
});

after(async () => {
  for (const p of started) await p.stop("SIGKILL");
  for (const dir of [project?.dir, packDir]) if (dir) rmSync(dir, { recursive: true, force: true });
});

test("every event type the sandbox emits reaches the dev server once and verifies", { timeout: 600_000 }, async () => {
  await forwardEveryEventType(project, {
    listenArgs: (sandboxUrl) => ["--sandbox-url", sandboxUrl],
    track: (p) => started.push(p),
  });
});
