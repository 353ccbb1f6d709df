// A partner's Worker: every entry imported as wrangler bundles it for workerd.
import * as main from "peeker-partner";
import * as validate from "peeker-partner/validate";
import * as webhooks from "peeker-partner/webhooks";
import { check } from "../../check.mjs";

export default {
  async fetch() {
    return Response.json(check(main, validate, webhooks));
  },
};
