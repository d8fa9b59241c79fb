// Ink asks `is-in-ci` whether CI, CONTINUOUS_INTEGRATION (not "0"/"false") is set, and if so
// draws nothing until the app unmounts: an interactive program then shows a blank screen and
// seems to hang. Those variables belong to the user's projects (test runners read them), and
// people do export them in their shells; wren mounts Ink only for an interactive terminal, so
// its bundles answer "not in CI" and leave process.env, which tools inherit, untouched.

/** esbuild plugin: resolves `is-in-ci` to a module whose default export is `false`. */
export const inkInteractive = {
  name: "ink-interactive",
  setup(b) {
    b.onResolve({ filter: /^is-in-ci$/ }, () => ({
      path: "is-in-ci",
      namespace: "ink-interactive",
    }));
    b.onLoad({ filter: /.*/, namespace: "ink-interactive" }, () => ({
      contents: "export default false;\n",
      loader: "js",
    }));
  },
};
