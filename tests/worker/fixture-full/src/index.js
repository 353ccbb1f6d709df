// The same import a partner writes; wrangler picks the package's `workerd`
// entry, which precompiles the wasm and initialises it on import.
import { handleWebhook, requiredDomains, validateOrder } from "peeker-partner";

let seen = [];

export default {
  async fetch(request) {
    const { pathname } = new URL(request.url);
    if (pathname === "/hook") {
      // handleWebhook as a partner would use it in a Worker (the async path).
      return handleWebhook(request, { secret: ["s_old", "s_new"], onEvent: (e) => void seen.push(e.id) });
    }
    if (pathname === "/seen") return Response.json(seen);
    const order = await request.json();
    return Response.json({
      problems: validateOrder(order),
      required: requiredDomains({ monthly_sending_volume: 25000 }),
    });
  },
};
