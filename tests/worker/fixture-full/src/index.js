// The same import a partner writes; wrangler picks the package's `workerd`
// entry, which precompiles the wasm and initialises it on import.
import { validateOrder, requiredDomains } from "peeker-partner";

export default {
  async fetch(request) {
    const order = await request.json();
    return Response.json({
      problems: validateOrder(order),
      required: requiredDomains({ monthly_sending_volume: 25000 }),
    });
  },
};
