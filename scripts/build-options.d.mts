import type { BuildOptions } from "esbuild";

/** The esbuild options that bundle src/cli.tsx into `outdir` (what `npm run build` uses). */
export function buildOptions(outdir: string): Promise<BuildOptions>;
