// The `wren` executable: the process's streams into runCli (src/cli.tsx, where errors become
// text and exit codes), its exit code out. Kept apart so cli.tsx can be imported by tests.
import { runCli } from "./cli.js";

runCli({
  argv: process.argv.slice(2),
  env: process.env,
  cwd: process.cwd(),
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
}).then((code) => {
  // Let buffered output reach the terminal before leaving.
  process.stdout.write("", () => process.exit(code));
});
