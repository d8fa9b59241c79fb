import type { Plugin } from "esbuild";

/** A regular expression source: text string-width measures as one column per character. */
export const NARROW_TEXT: string;
/** string-width's source with its ASCII fast path widened to NARROW_TEXT. */
export function widenStringWidthFastPath(source: string): string;
/** esbuild plugin: applies widenStringWidthFastPath to string-width 8, which has the path. */
export const narrowTextFastPath: Plugin;
