// A partner's Node (or Bun) script, CommonJS: every entry through require().
const main = require("peeker-partner");
const validate = require("peeker-partner/validate");
const webhooks = require("peeker-partner/webhooks");

import("./check.mjs").then(({ check }) => console.log(JSON.stringify(check(main, validate, webhooks))));
