// A partner's Vitest test: every entry, no init call. Run with environment
// "jsdom" and "node".
import { expect, test } from "vitest";
import * as main from "peeker-partner";
import * as validate from "peeker-partner/validate";
import * as webhooks from "peeker-partner/webhooks";
import { watchEvents } from "peeker-partner/watch";
import { check } from "../check.mjs";

test("every entry imports and works", () => {
  const { webBeforeInit, ...expected } = JSON.parse(process.env.ECOSYSTEM_EXPECTED);
  expect(check(main, validate, webhooks)).toEqual(expected);
  expect(typeof watchEvents).toBe("function");
});
