declare const __WREN_VERSION__: string | undefined;

/** wren's version, injected by the build; `0.0.0-dev` when running from source. */
export const VERSION: string =
  typeof __WREN_VERSION__ === "string" ? __WREN_VERSION__ : "0.0.0-dev";
