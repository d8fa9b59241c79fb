// Types for what TypeScript tests under src/ import from tools.mjs (the rest is used from .mjs).

/** The window title the hostile mode's texts try to set. */
export declare const HOSTILE_TITLE: string;
/** What a hostile server (`--hostile`) puts in names, descriptions, results and errors. */
export declare const HOSTILE_TEXT: string;
/** The extra tool of the hostile mode, its name itself hostile. */
export declare const HOSTILE_TOOL_NAME: string;
/** URI of the hostile mode's resource whose title, description and text are hostile. */
export declare const HOSTILE_RESOURCE_URI: string;
/** URI of the hostile mode's 3 MB text resource. */
export declare const HUGE_RESOURCE_URI: string;
/** Where the hostile mode's `links` tool points. */
export declare const HOSTILE_LINKS: readonly string[];
/** URI of the static text resource every mock serves. */
export declare const STATIC_RESOURCE_URI: string;
