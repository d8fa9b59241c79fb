/** Bundles one TypeScript entry into a single ESM file that plain `node` runs. */
export function bundleEntry(options: {
  entry: string;
  outfile: string;
  logLevel?: "error" | "warning";
}): Promise<void>;
