// A partner's frontend: one import per entry, no init call, bundler defaults.
import * as main from "peeker-partner";
import * as validate from "peeker-partner/validate";
import * as webhooks from "peeker-partner/webhooks";
import { check } from "../check.mjs";

window.__result = check(main, validate, webhooks);
