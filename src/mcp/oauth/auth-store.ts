import { createStore } from "../../utils/store.js";
import type { DevicePromptInit } from "./device-display.js";

export type { DevicePromptInit } from "./device-display.js";

/** How the browser part of a sign-in is going, for the prompt's status line. */
export type BrowserState =
  | { readonly kind: "opening" }
  | { readonly kind: "opened"; readonly command: string }
  | { readonly kind: "failed"; readonly reason: string }
  /** Headless: no browser is opened; the user pastes or forwards the port. */
  | { readonly kind: "off"; readonly reason: string };

/** What a sign-in prompt shows. Never holds a secret: the URL carries only public values. */
export interface AuthPromptInit {
  readonly server: string;
  /** The full authorization URL, always shown so it can be copied. */
  readonly url: string;
  readonly callbackPort: number;
  readonly browser: BrowserState;
  /** `ssh -N -L <port>:127.0.0.1:<port> <host>`, shown in headless mode. */
  readonly sshHint?: string;
}

/** One pending sign-in, as the modal renders it. */
export interface AuthPrompt extends AuthPromptInit {
  readonly id: number;
  /** Why the last paste or callback was rejected; the prompt stays open. */
  readonly error?: string;
  /** Takes pasted text: a callback URL, its query string, or the bare code. */
  readonly submit: (text: string) => void;
  /** Esc: rejects the sign-in with McpAuthCancelledError. */
  readonly cancel: () => void;
}

/** What the flow does with the user's input. */
export interface AuthPromptHandlers {
  onSubmit(text: string): void;
  onCancel(): void;
}

/** The flow's hold on a prompt it opened. */
export interface AuthPromptHandle {
  update(patch: { readonly browser?: BrowserState; readonly error?: string | undefined }): void;
  /** Removes the prompt (sign-in finished, failed or cancelled). */
  close(): void;
}

/** One pending device sign-in (RFC 8628), as the modal renders it: code, link, QR, Esc. */
export interface DeviceAuthPrompt {
  readonly id: number;
  readonly device: DevicePromptInit;
  /** The server asked to poll more slowly, or a similar note; never a secret. */
  readonly note?: string;
  /** Esc: stops polling and rejects the sign-in with McpAuthCancelledError. */
  readonly cancel: () => void;
}

/** The flow's hold on a device prompt it opened. */
export interface DevicePromptHandle {
  update(patch: { readonly note?: string }): void;
  close(): void;
}

/** Anything that can show a sign-in prompt: the REPL's store, or the CLI's terminal prompt. */
export interface AuthInteraction {
  open(init: AuthPromptInit, handlers: AuthPromptHandlers): AuthPromptHandle;
  /** Shows a device sign-in: where to go, the code to enter; `onCancel` on Esc / Ctrl+C. */
  openDevice(init: DevicePromptInit, handlers: { onCancel(): void }): DevicePromptHandle;
}

/** Pending sign-in prompts, observed by the modal through useSyncExternalStore. */
export interface AuthPromptStore extends AuthInteraction {
  subscribe(listener: () => void): () => void;
  /** Open prompts, oldest first; the same array until something changes. */
  getSnapshot(): readonly AuthPrompt[];
  /** Open device sign-in prompts, oldest first; the same array until something changes. */
  getDeviceSnapshot(): readonly DeviceAuthPrompt[];
}

/** Creates an empty store. */
export function createAuthPromptStore(): AuthPromptStore {
  const store = createStore<readonly AuthPrompt[]>([]);
  const devices = createStore<readonly DeviceAuthPrompt[]>([]);
  let nextId = 1;
  return {
    subscribe(listener) {
      const first = store.subscribe(listener);
      const second = devices.subscribe(listener);
      return () => {
        first();
        second();
      };
    },
    getSnapshot: store.getSnapshot,
    getDeviceSnapshot: devices.getSnapshot,
    open(init, handlers) {
      const id = nextId++;
      let open = true;
      const prompt: AuthPrompt = {
        ...init,
        id,
        submit: (text) => {
          if (open) handlers.onSubmit(text);
        },
        cancel: () => {
          if (open) handlers.onCancel();
        },
      };
      store.update((list) => [...list, prompt]);
      return {
        update(patch) {
          if (!open) return;
          store.update((list) =>
            list.map((p) => {
              if (p.id !== id) return p;
              const { error: _dropped, ...rest } = p;
              const error = "error" in patch ? patch.error : p.error;
              return {
                ...rest,
                ...(patch.browser && { browser: patch.browser }),
                ...(error !== undefined && { error }),
              };
            }),
          );
        },
        close() {
          if (!open) return;
          open = false;
          store.update((list) => list.filter((p) => p.id !== id));
        },
      };
    },
    openDevice(device, handlers) {
      const id = nextId++;
      let open = true;
      const prompt: DeviceAuthPrompt = {
        id,
        device,
        cancel: () => {
          if (open) handlers.onCancel();
        },
      };
      devices.update((list) => [...list, prompt]);
      return {
        update(patch) {
          if (!open) return;
          devices.update((list) =>
            list.map((p) =>
              p.id === id && patch.note !== undefined ? { ...p, note: patch.note } : p,
            ),
          );
        },
        close() {
          if (!open) return;
          open = false;
          devices.update((list) => list.filter((p) => p.id !== id));
        },
      };
    },
  };
}
