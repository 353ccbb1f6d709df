// A partner's Node (or Bun, or Deno) script, ES modules: every entry, no init
// call. Prints what it saw as JSON for tests/ecosystem/run.test.mjs.
import * as main from "peeker-partner";
import * as validate from "peeker-partner/validate";
import * as webhooks from "peeker-partner/webhooks";
import { check } from "./check.mjs";

let webBeforeInit;
try {
  const web = await import("peeker-partner/web");
  web.validateOrder({});
} catch (e) {
  webBeforeInit = e.code;
}
console.log(JSON.stringify({ ...check(main, validate, webhooks), webBeforeInit }));
