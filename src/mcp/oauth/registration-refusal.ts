import { RegistrationRejectedError } from "@modelcontextprotocol/client";
// Classic zod/v4, as the SDK uses: this loads with the SDK, never on the startup path.
import * as z from "zod/v4";
import { cleanText } from "./callback-input.js";
import { McpAuthError } from "./errors.js";

const RegistrationErrorSchema = z.looseObject({
  error: z.string(),
  error_description: z.optional(z.string()),
});

function rejectionIn(error: unknown): RegistrationRejectedError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current instanceof Error; depth++) {
    if (current instanceof RegistrationRejectedError) return current;
    current = current.cause;
  }
  return undefined;
}

/**
 * How wren gets a client identity, in order: a client ID metadata document (when
 * `oauth.clientMetadataUrl` is set and the server takes one), dynamic registration, or the
 * configured `oauth.clientId`. A refused registration is one line naming the step that
 * failed, the server's reason (cleaned of control characters) and the way out.
 */
export function registrationRefusal(
  server: string,
  error: unknown,
  settings: { readonly clientMetadataUrl?: string | undefined },
): McpAuthError | undefined {
  const rejected = rejectionIn(error);
  if (rejected === undefined) return undefined;
  let reason = `HTTP ${rejected.status}`;
  try {
    const parsed = z.safeParse(RegistrationErrorSchema, JSON.parse(rejected.body));
    if (parsed.success) {
      const description = parsed.data.error_description;
      reason += ` ${cleanText(parsed.data.error, 64)}`;
      if (description !== undefined) reason += `: ${cleanText(description, 160)}`;
    }
  } catch {
    // not JSON: the status says enough
  }
  const cimd =
    settings.clientMetadataUrl === undefined
      ? ""
      : "the server takes no client metadata document (oauth.clientMetadataUrl), and ";
  return new McpAuthError(
    server,
    `sign-in failed at client registration: ${cimd}dynamic client registration was refused (${reason}); set oauth.clientId to a client registered for wren`,
    { cause: rejected },
  );
}
