// tsc --strict accepts typical PeekerClient usage (tests/client/usage.ts) against pkg/.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { ROOT } from "./harness.mjs";

test("tsc --strict: PeekerClient usage type-checks", () => {
  try {
    execFileSync(`${ROOT}node_modules/.bin/tsc`, ["--strict", "--noEmit", "--target", "ES2022", "--module", "ESNext",
      "--moduleResolution", "Bundler", "--lib", "ES2022,DOM", "tests/client/usage.ts"], { cwd: ROOT, encoding: "utf8" });
  } catch (e) {
    assert.fail(`tsc failed:\n${e.stdout}${e.stderr}`);
  }
});
