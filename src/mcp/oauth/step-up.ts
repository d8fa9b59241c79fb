import {
  computeScopeUnion,
  extractWWWAuthenticateParams,
  type OAuthTokens,
} from "@modelcontextprotocol/client";

/**
 * Step-up after a 403 `insufficient_scope` (RFC 6750 §3.1): while active, the next sign-in
 * asks for the union of the granted and the challenged scopes, and the refresh token is kept
 * out of `auth()` (a refresh cannot add scopes, RFC 6749 §6).
 */
export class StepUp {
  private union: string | undefined;
  private asked: string | undefined;

  /** Whether a step-up is being negotiated. */
  get active(): boolean {
    return this.union !== undefined;
  }

  /** The scope the step-up sign-in asks for ("" when neither side named one). */
  get scope(): string | undefined {
    return this.union;
  }

  /** The scope the last 403 `insufficient_scope` named, if it named one. */
  get challenged(): string | undefined {
    return this.asked;
  }

  /** Reads a response; a 403 `insufficient_scope` starts a step-up from `granted`. */
  note(response: Response, granted: string | undefined): void {
    if (response.status !== 403) return;
    const { error, scope: challenged } = extractWWWAuthenticateParams(response);
    if (error !== "insufficient_scope") return;
    this.union = computeScopeUnion(granted, challenged) ?? "";
    this.asked = challenged;
  }

  /**
   * The tokens to hand to the SDK: during a step-up without the refresh token, as the SDK
   * would only refresh the same scopes; it starts a new authorization instead.
   */
  expose(tokens: OAuthTokens): OAuthTokens {
    if (!this.active) return tokens;
    const { refresh_token: _hidden, ...rest } = tokens;
    return rest;
  }

  /** What a "needs sign-in" error says about this step-up: the scope to ask, and the missing one. */
  required(): { scope?: string; missing?: string } {
    if (this.union === undefined) return {};
    return { scope: this.union, ...(this.asked !== undefined && { missing: this.asked }) };
  }

  /** The step-up is over (signed in, failed, or its call ended). */
  end(): void {
    this.union = undefined;
    this.asked = undefined;
  }
}
