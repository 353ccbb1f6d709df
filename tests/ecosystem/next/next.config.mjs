// The app is the project here: it sits inside this repository (whose own
// lockfile would otherwise be taken for the workspace's root).
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL(".", import.meta.url));

export default { turbopack: { root }, outputFileTracingRoot: root };
