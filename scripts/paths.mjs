// Where things are, for the scripts: the repository, the built CLI, the mock servers' sources.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository's root directory. */
export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..");
/** The built CLI (`npm run build`). */
export const wrenBin = join(repoRoot, "dist", "wren.js");
/** A mock server's source, `mock-mcps/<name>`. */
export const mockPath = (name) => join(repoRoot, "mock-mcps", name);
