import type { ElicitRequestURLParams, ElicitResult } from "@modelcontextprotocol/client";
import { UrlElicitationRequiredError } from "@modelcontextprotocol/client";
import { viewUrl } from "./url-view.js";

/**
 * URL-mode elicitation: a server asks the user to visit a page (a sign-in at a third party, a
 * payment) that wren must not see. The user is shown the server, the domain and the whole URL
 * and decides; only then is it opened, through the same opener and scheme rules as sign-in.
 */
export interface UrlElicitor {
  /** Answers `elicitation/create` in URL mode: accept once the user agreed and it was opened. */
  readonly ask: (
    server: string,
    params: ElicitRequestURLParams,
    signal: AbortSignal,
  ) => Promise<ElicitResult>;
  /**
   * A tool answered "URL elicitation required" (-32042): asks like `ask`, then waits until the
   * user says the browser step is done (or the server reports it complete). True when done.
   */
  readonly satisfy: (
    server: string,
    params: ElicitRequestURLParams,
    signal?: AbortSignal,
  ) => Promise<boolean>;
  /** The server sent `notifications/elicitation/complete`. */
  readonly complete: (server: string, elicitationId: string) => void;
}

/**
 * Runs a tool call; when the server answers -32042, has the user handle each URL it names and,
 * if they all got done, runs the call once more. Without an elicitor the error stands.
 */
export async function withUrlElicitation<T>(
  server: string,
  elicitor: UrlElicitor | undefined,
  call: () => Promise<T>,
  signal?: AbortSignal,
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const required = urlElicitationRequired(error);
    if (!elicitor || !required) throw error;
    for (const params of required.elicitations) {
      if (!(await elicitor.satisfy(server, params, signal))) throw error;
    }
    return call();
  }
}

/** The -32042 error behind an error, if that is what it is (wren wraps SDK errors). */
function urlElicitationRequired(error: unknown): UrlElicitationRequiredError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    if (current instanceof UrlElicitationRequiredError) return current;
    current = current.cause;
  }
  return undefined;
}

/** For runs nobody can answer (print mode, `wren mcp`): declines and says where it would go. */
export function declineUrlElicitations(log: (line: string) => void): UrlElicitor {
  const tell = (server: string, params: ElicitRequestURLParams): void => {
    const { domain } = viewUrl(params.url);
    log(`${server} asks you to open a page at ${domain}; declined (not interactive)`);
  };
  return {
    ask: async (server, params) => {
      tell(server, params);
      return { action: "decline" };
    },
    satisfy: async (server, params) => {
      tell(server, params);
      return false;
    },
    complete: () => {},
  };
}
