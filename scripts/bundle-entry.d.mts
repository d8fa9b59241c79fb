/** Bundles one TypeScript entry into a single ESM file that plain `node` runs. */
export function bundleEntry(options: {
  entry: string;
  outfile: string;
  logLevel?: "error" | "warning";
  /** Packages with native addons: imported from node_modules by absolute path, not bundled. */
  native?: readonly string[];
}): Promise<void>;
