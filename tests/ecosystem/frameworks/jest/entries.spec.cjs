// A partner's Jest test, as Jest runs it: CommonJS (a Babel or ts-jest setup
// compiles `import` to these require calls), every entry, no init call. Run
// with testEnvironment "jsdom" (whose global has no TextEncoder) and "node".
const main = require("peeker-partner");
const validate = require("peeker-partner/validate");
const webhooks = require("peeker-partner/webhooks");
const { watchEvents } = require("peeker-partner/watch");
const { check } = require("../check.cjs");

test("every entry imports and works", () => {
  const { webBeforeInit, ...expected } = JSON.parse(process.env.ECOSYSTEM_EXPECTED);
  expect(check(main, validate, webhooks)).toEqual(expected);
  expect(typeof watchEvents).toBe("function");
});
