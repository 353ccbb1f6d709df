#!/usr/bin/env node
// peeker's launcher: runs the binary from the optional dependency that
// matches this machine (@peeker-cli/<platform>-<arch>), with the terminal
// passed through, signals forwarded and its exit code (or signal) as ours.
"use strict";
const { spawn } = require("node:child_process");
const { constants } = require("node:os");
const { dirname, join } = require("node:path");

const platform = `${process.platform}-${process.arch}`;
const wanted = `@peeker-cli/${platform}`;
const binaryName = process.platform === "win32" ? "peeker.exe" : "peeker";

function binaryPath() {
  try {
    return join(dirname(require.resolve(`${wanted}/package.json`)), "bin", binaryName);
  } catch {
    return null;
  }
}

const binary = binaryPath();
if (binary === null) {
  const supported = Object.keys(require("../package.json").optionalDependencies || {});
  const listed = supported.includes(wanted);
  console.error(
    [
      `peeker: no binary for this machine (${platform}): the package ${wanted} is not installed.`,
      `Prebuilt for: ${supported.join(", ")}.`,
      listed
        ? "It was skipped at install (--omit=optional or --no-optional?): install peeker-cli again with optional dependencies."
        : "Build it from source instead: cargo install --git https://github.com/peeker/peeker-partner peeker-cli",
    ].join("\n"),
  );
  process.exit(1);
}

const child = spawn(binary, process.argv.slice(2), { stdio: "inherit" });
const forwarded = ["SIGINT", "SIGTERM", "SIGHUP"];
for (const signal of forwarded) {
  process.on(signal, () => child.kill(signal));
}
child.on("error", (error) => {
  console.error(`peeker: could not run ${binary}: ${error.message}`);
  process.exit(1);
});
child.on("exit", (code, signal) => {
  if (signal === null) {
    process.exit(code);
  }
  // Ended by a signal: end the same way, so a shell or npx sees what happened.
  for (const s of forwarded) process.removeAllListeners(s);
  process.exitCode = 128 + (constants.signals[signal] || 0);
  process.kill(process.pid, signal);
});
