// No zod here: the permission engine imports this module, and it may load early.
import { basename, join, sep } from "node:path";

/** Credential stores every tool asks about, even inside the project. */
export interface SensitivePaths {
  /** Why `absolute` (a path, before or after symlinks) needs a person's consent; undefined if it does not. */
  reasonFor(absolute: string): string | undefined;
}

/** Files whose name alone says they hold secrets (`.env`, `.env.local`, `.envrc`, ...). */
const SECRET_FILE = /^\.env/;

/**
 * Credential stores under the user's home. WREN_HOME holds wren's own OAuth tokens and
 * settings; the rest are where common tools keep keys and tokens.
 */
const HOME_STORES: readonly (readonly [string, string])[] = [
  [".ssh", "SSH keys (~/.ssh)"],
  [".aws", "AWS credentials (~/.aws)"],
  [join(".config", "gcloud"), "Google Cloud credentials (~/.config/gcloud)"],
  [".azure", "Azure credentials (~/.azure)"],
  [".gnupg", "GnuPG keys (~/.gnupg)"],
  [".netrc", "network passwords (~/.netrc)"],
  [join(".docker", "config.json"), "Docker registry credentials (~/.docker/config.json)"],
  [".kube", "Kubernetes credentials (~/.kube)"],
  [".git-credentials", "git credentials (~/.git-credentials)"],
  [join(".config", "gh"), "GitHub CLI tokens (~/.config/gh)"],
  [".npmrc", "npm tokens (~/.npmrc)"],
  [".pypirc", "PyPI tokens (~/.pypirc)"],
  [join(".cargo", "credentials.toml"), "Cargo tokens (~/.cargo/credentials.toml)"],
  [".password-store", "the password store (~/.password-store)"],
  [join(".local", "share", "keyrings"), "the keyring (~/.local/share/keyrings)"],
];

/** The credential stores of one user, from `resolvePaths()`'s `home` (WREN_HOME) and `userHome`. */
export function createSensitivePaths(paths: {
  readonly home: string;
  readonly userHome: string;
}): SensitivePaths {
  const roots: (readonly [string, string])[] = [
    [paths.home, `wren's own state and tokens (${paths.home})`],
    ...HOME_STORES.map(([rel, what]) => [join(paths.userHome, rel), what] as const),
  ];
  return {
    reasonFor(absolute) {
      for (const [root, what] of roots) {
        if (absolute === root || absolute.startsWith(root + sep)) return what;
      }
      const name = basename(absolute);
      if (SECRET_FILE.test(name)) return `a secrets file (${name})`;
      return undefined;
    },
  };
}
