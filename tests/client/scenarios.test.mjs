// The client suite (scenarios.json) on the wasm PeekerClient, against a
// peeker-sandbox on 127.0.0.1. The native client runs the same file
// (tests/native_client.rs).
import { test, before, after } from "node:test";
import { readFileSync } from "node:fs";
import { runScenarios } from "./scenarios.mjs";

const suite = JSON.parse(readFileSync(new URL("./scenarios.json", import.meta.url), "utf8"));
runScenarios(suite, { test, before, after });
