// Types of what scripts/bench/measure.test.ts imports from measure.mjs.

/** Median, min, max and count of some numbers. */
export interface Stats {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly runs: number;
}

/** A measurement that could not be taken. */
export declare class MeasureError extends Error {}
/** Median, min, max and count of `samples`. */
export declare function stats(samples: readonly number[]): Stats;
/** The median of `samples`. */
export declare function median(samples: readonly number[]): number;
/** Stats of one key of object samples, skipping runs without it. */
export declare function statsOf<K extends string>(
  samples: readonly Partial<Record<K, number>>[] | undefined,
  key: K,
): Stats | undefined;
/** A table with the first column left-aligned. */
export declare function table(header: readonly string[], rows: readonly unknown[][]): string;
/** Whole milliseconds, `-` when missing. */
export declare function ms(n: number | undefined): string;
/** `a / b` as `1.23x`, `-` when either is missing. */
export declare function ratio(a: number | undefined, b: number | undefined): string;
/** `min-max` of a stats object. */
export declare function range(st: Stats | undefined): string;
/** `label = 1.23x (target <= 1.3x): within target` (or OVER TARGET). */
export declare function verdict(label: string, value: number, target: number): string;
/** One subject of {@link measureInterleaved}. */
export interface Subject<T> {
  readonly name: string;
  measure(): Promise<T>;
}
/** Warm-up round (unless `warmUp: false`), then `runs` interleaved rounds. */
export declare function measureInterleaved<T>(
  subjects: readonly Subject<T>[],
  runs: number,
  options?: { warmUp?: boolean },
): Promise<{ samples: Map<string, T[]>; errors: Map<string, unknown> }>;
