import { Box, Text } from "ink";
import { type ReactElement, useSyncExternalStore } from "react";
import type { PendingUrlElicitation, UrlElicitationStore } from "../mcp/url-elicitation-store.js";
import { invisibleCharacters, revealText, safeLine, safeText } from "../utils/terminal-text.js";
import { useKeys } from "./keys.js";

/** Keys while asking whether to open the URL. */
export const URL_ASK_HINT = "Enter open in browser · n decline · Esc cancel";
/** Keys when wren refuses to open the URL. */
export const URL_REFUSED_HINT = "Enter or n decline · Esc cancel";
/** Keys while waiting for the user to finish in the browser. */
export const URL_WAIT_HINT = "Enter when done in the browser · Esc cancel";

/** Props of the URL elicitation prompt. */
export interface UrlElicitationPromptProps {
  readonly store: UrlElicitationStore;
  readonly isActive?: boolean;
}

/** Shows the oldest pending URL request, if any; renders nothing otherwise. */
export function UrlElicitationPrompt({
  store,
  isActive = true,
}: UrlElicitationPromptProps): ReactElement | null {
  const pending = useSyncExternalStore(store.subscribe, store.getSnapshot);
  const request = pending[0];
  useKeys(
    (input, key) => {
      if (!request) return;
      if (key.escape) return store.respond(request.id, "cancel");
      if (request.stage === "waiting") {
        if (key.return) store.respond(request.id, "done");
        return;
      }
      if (input === "n" || input === "N") return store.respond(request.id, "decline");
      if (key.return) {
        store.respond(request.id, request.refused === undefined ? "open" : "decline");
      }
    },
    { isActive: isActive && request !== undefined },
  );
  if (!request) return null;
  return <UrlElicitationView request={request} />;
}

/**
 * What the user decides on. Everything here comes from the server: its name and message pass
 * the sanitizer, and the URL is shown whole with every hidden character revealed, so what
 * opens is exactly what was read.
 */
export function UrlElicitationView({
  request,
}: {
  readonly request: PendingUrlElicitation;
}): ReactElement {
  const hidden = invisibleCharacters(request.url);
  const hint =
    request.stage === "waiting"
      ? URL_WAIT_HINT
      : request.refused === undefined
        ? URL_ASK_HINT
        : URL_REFUSED_HINT;
  return (
    <Box flexDirection="column" borderStyle="round" borderColor="yellow" paddingX={1}>
      <Text>
        <Text bold>{safeLine(request.server)}</Text> wants you to open a page in your browser:
      </Text>
      <Text>{safeText(request.message)}</Text>
      <Text>
        domain: <Text bold>{safeLine(request.domain)}</Text>
      </Text>
      <Text>URL: {safeText(revealText(request.url))}</Text>
      {hidden.length > 0 && (
        <Text color="red">invisible characters in the URL: {hidden.join(", ")}</Text>
      )}
      {request.refused !== undefined && (
        <Text color="red">wren will not open this URL: {safeLine(request.refused)}</Text>
      )}
      {request.stage === "waiting" && (
        <Text color="cyan">
          {safeLine(request.opened ?? "")} · waiting for you to finish at {safeLine(request.domain)}
        </Text>
      )}
      <Text dimColor>{hint}</Text>
    </Box>
  );
}
