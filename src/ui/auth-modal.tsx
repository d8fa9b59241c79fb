import { Box, Text } from "ink";
import Spinner from "ink-spinner";
import { type ReactElement, useSyncExternalStore } from "react";
import type {
  AuthPrompt,
  AuthPromptStore,
  BrowserState,
  DeviceAuthPrompt,
} from "../mcp/oauth/auth-store.js";
import { describeRemaining, spacedUserCode } from "../mcp/oauth/device-text.js";
import { safeLine, safeText } from "../utils/terminal-text.js";
import { hyperlink } from "./hyperlink.js";
import { useKeys } from "./keys.js";
import { TextField } from "./text-field.js";

/** Props of {@link AuthModal}. */
export interface AuthModalProps {
  readonly store: AuthPromptStore;
  /** False while another component owns the keyboard. */
  readonly isActive?: boolean;
  /** The terminal shows OSC 8 links: the URL is also clickable (see `supportsHyperlinks`). */
  readonly hyperlinks?: boolean;
}

/**
 * The pending sign-in, if any: server, full authorization URL, a spinner while the browser
 * is out, a paste input (callback URL, query string or code) and `Esc to cancel`. Headless,
 * the paste input leads and the `ssh -L` alternative is shown. Renders nothing otherwise.
 */
export function AuthModal({
  store,
  isActive = true,
  hyperlinks = false,
}: AuthModalProps): ReactElement | null {
  const prompts = useSyncExternalStore(store.subscribe, store.getSnapshot);
  const devices = useSyncExternalStore(store.subscribe, store.getDeviceSnapshot);
  const prompt = prompts[0];
  const device = devices[0];
  if (prompt) {
    return (
      <AuthPromptView key={prompt.id} prompt={prompt} isActive={isActive} hyperlinks={hyperlinks} />
    );
  }
  if (!device) return null;
  return (
    <DevicePromptView key={device.id} prompt={device} isActive={isActive} hyperlinks={hyperlinks} />
  );
}

/**
 * The device sign-in variant (RFC 8628): where to go (a link where the terminal shows them),
 * the user code large and bold (and plain, to copy), the QR code of the URI with the code in
 * it, and `Esc to cancel`. Every field was made safe by devicePrompt(); they pass the
 * sanitizer again here, as all foreign text does.
 */
function DevicePromptView({
  prompt,
  isActive,
  hyperlinks,
}: {
  prompt: DeviceAuthPrompt;
  isActive: boolean;
  hyperlinks: boolean;
}): ReactElement {
  useKeys(
    (_input, key) => {
      if (key.escape) prompt.cancel();
    },
    { isActive },
  );
  const { device } = prompt;
  const link = (url: string): string => (hyperlinks ? hyperlink(safeLine(url)) : safeLine(url));
  const complete = device.verificationUriComplete;
  return (
    <Box flexDirection="column">
      <Box
        flexDirection="column"
        borderStyle="round"
        borderColor="yellow"
        paddingX={1}
        alignSelf="flex-start"
      >
        <Text bold>Sign in to {safeLine(device.server)} on another device</Text>
        <Text>
          <Text color="yellow">
            <Spinner type="dots" />
          </Text>{" "}
          Waiting for you to approve (the code expires in {describeRemaining(device.expiresInMs)})
        </Text>
      </Box>
      <Text>1. Open this page in any browser:</Text>
      <Text color="blue">{link(device.verificationUri)}</Text>
      <Text>2. Enter this code:</Text>
      <Box paddingX={2}>
        <Text bold color="cyan">
          {spacedUserCode(safeLine(device.userCode))}
        </Text>
      </Box>
      <Text dimColor>{`   (to copy: ${safeLine(device.userCode)})`}</Text>
      <Text>
        {complete !== undefined ? "Or scan this (the code is filled in):" : "Or scan this:"}
      </Text>
      {complete !== undefined && <Text color="blue">{link(complete)}</Text>}
      <Box flexDirection="column">
        {device.qr.map((row, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: the rows of one QR code never move
          <Text key={index}>{safeLine(row)}</Text>
        ))}
      </Box>
      {prompt.note !== undefined && <Text dimColor>{safeLine(prompt.note)}</Text>}
      <Text dimColor>Esc to cancel</Text>
    </Box>
  );
}

function browserLine(browser: BrowserState): string {
  switch (browser.kind) {
    case "opening":
      return "Opening the browser…";
    case "opened":
      return "Waiting for you to finish in the browser…";
    case "failed":
      return `Could not open a browser (${browser.reason}); open the URL yourself.`;
    case "off":
      return `No browser here (${browser.reason}).`;
  }
}

function AuthPromptView({
  prompt,
  isActive,
  hyperlinks,
}: {
  prompt: AuthPrompt;
  isActive: boolean;
  hyperlinks: boolean;
}): ReactElement {
  const headless = prompt.browser.kind === "off";
  useKeys(
    (_input, key) => {
      if (key.escape) prompt.cancel();
    },
    { isActive },
  );
  const paste = (
    <Box flexDirection="column">
      <Text>
        {headless
          ? "Open this URL in a browser, sign in, then paste the URL it ends on (or the code):"
          : "Or paste the URL the browser ends on (or the code):"}
      </Text>
      <Box>
        <Text color="cyan">{"› "}</Text>
        <TextField
          onSubmit={(text) => prompt.submit(text)}
          clean={withoutPasteMarkers}
          isActive={isActive}
        />
      </Box>
      {prompt.error !== undefined && <Text color="red">{safeText(prompt.error)}</Text>}
    </Box>
  );
  // The server name, the authorization URL (from the server's metadata) and error texts are
  // foreign: they pass the terminal-text sanitizer.
  // Only the heading is boxed: the URL and what follows sit on plain lines, so copying a
  // wrapped URL picks up no border characters.
  return (
    <Box flexDirection="column">
      <Box
        flexDirection="column"
        borderStyle="round"
        borderColor="yellow"
        paddingX={1}
        alignSelf="flex-start"
      >
        <Text bold>Sign in to {safeLine(prompt.server)}</Text>
        {headless ? (
          <Text dimColor>{safeLine(browserLine(prompt.browser))}</Text>
        ) : (
          <Text>
            <Text color="yellow">
              <Spinner type="dots" />
            </Text>{" "}
            {safeLine(browserLine(prompt.browser))}
          </Text>
        )}
      </Box>
      <Text>{headless ? "URL:" : "If the browser did not open, visit:"}</Text>
      <Text color="blue">
        {hyperlinks ? hyperlink(safeLine(prompt.url)) : safeLine(prompt.url)}
      </Text>
      {paste}
      {headless && prompt.sshHint !== undefined && (
        <Box flexDirection="column">
          <Text dimColor>
            Or forward the callback port from your machine and open the URL there:
          </Text>
          <Text>{`  ${safeLine(prompt.sshHint)}`}</Text>
        </Box>
      )}
      <Text dimColor>Esc to cancel</Text>
    </Box>
  );
}

/**
 * The REPL turns on bracketed paste, and Ink hands its markers to inputs as text ("[200~");
 * a pasted callback URL must arrive without them.
 */
function withoutPasteMarkers(text: string): string {
  return text.replaceAll("\u001b", "").replace(/\[20[01]~/g, "");
}
