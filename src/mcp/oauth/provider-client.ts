// The client WrenOAuthProvider presents, and the redirect and metadata it registers with. At an
// issuer: during a sign-in's exchange the client of that sign-in; else the stored one when it
// belongs to that issuer (and, registered, to the bound loopback port); else the identity
// chain's (client-identity.ts: configured → CIMD → DCR), stored before the SDK uses it.
import type {
  FetchLike,
  OAuthClientInformationMixed,
  OAuthClientMetadata,
} from "@modelcontextprotocol/client";
import type { OAuthSettings } from "../../config/schema.js";
import {
  authorizationScope,
  ClientIdentity,
  presentable,
  refusedClientId,
  storedClient,
  wrenClientMetadata,
} from "./client-identity.js";
import { usableAt } from "./credentials.js";
import { type SignInMethod, withDeviceGrant } from "./device-sign-in.js";
import type { StoredClient } from "./oauth-state.js";
import type { SignInSession } from "./sign-in-session.js";
import type { OAuthStateCache } from "./state-cache.js";

const LOOPBACK_HOST = "127.0.0.1";

/** Options of {@link ProviderClient}. */
export interface ProviderClientOptions {
  readonly server: string;
  readonly settings: OAuthSettings;
  readonly session: SignInSession;
  readonly stored: OAuthStateCache;
  /** The provider's fetch (registration and metadata documents go through it). */
  readonly fetch: FetchLike;
  readonly clientVersion?: string;
  /** The scope a sign-in asks for, overriding discovery (`wren mcp auth --scope`). */
  readonly requestScope?: string;
  /** How this sign-in goes (`--device`, `oauth.method`). */
  readonly method: () => SignInMethod;
  /** The error when a client is needed but no sign-in may start. */
  readonly authRequired: () => Error;
  readonly log?: (line: string) => void;
}

/** The provider's client (see the file's header). */
export class ProviderClient {
  private readonly options: ProviderClientOptions;
  private readonly identity: ClientIdentity;
  /** The client obtained last (the authorization URL names it before a peer may replace it). */
  private obtained: StoredClient | undefined;
  /** The client_id the authorization server refused last. */
  private refused: string | undefined;

  constructor(options: ProviderClientOptions) {
    this.options = options;
    this.identity = new ClientIdentity({
      server: options.server,
      settings: options.settings,
      fetch: options.fetch,
      save: (client) => this.persist(client),
      ...(options.log && { log: options.log }),
    });
  }

  /** The loopback redirect URI of the sign-in (or of the stored registration). */
  get redirectUrl(): string {
    // The loopback closes once the code arrives; the exchange still names the flow's port.
    const stored = this.options.stored.current?.client;
    const port =
      this.options.session.redirectPort ??
      this.options.settings.callbackPort ??
      (stored?.kind === "configured" ? undefined : stored?.redirectPort);
    // Without a port (a refresh in the background): RFC 8252 loopback URIs match on any port.
    return port === undefined
      ? `http://${LOOPBACK_HOST}/callback`
      : `http://${LOOPBACK_HOST}:${port}/callback`;
  }

  /** What a registration says of wren, with the device grant wherever it is offered. */
  get metadata(): OAuthClientMetadata {
    const { clientVersion } = this.options;
    const scope = this.options.settings.scope;
    const metadata = wrenClientMetadata({
      redirectUrl: this.redirectUrl,
      ...(clientVersion !== undefined && { version: clientVersion }),
      ...(scope !== undefined && { scope }),
    });
    const authorizationServer = this.options.stored.current?.discovery?.authorizationServerMetadata;
    return withDeviceGrant(metadata, authorizationServer, this.options.method());
  }

  /** The clients an authorization URL's client_id may belong to (just obtained, or stored). */
  get candidates(): readonly (StoredClient | undefined)[] {
    const state = this.options.stored.current;
    return [this.obtained, state && storedClient(state, this.options.settings)];
  }

  /** The client_id the authorization server refused last, if any. */
  get refusedClientId(): string | undefined {
    return this.refused;
  }

  /** Watches a response for a refused client (the SDK's invalidation names no client). */
  async note(init: RequestInit | undefined, response: Response): Promise<void> {
    const refused = await refusedClientId(init, response);
    if (refused !== undefined) this.refused = refused;
  }

  /** The client to present at `issuer` (see the file's header). */
  async information(issuer: string | undefined): Promise<OAuthClientInformationMixed | undefined> {
    const { settings, session } = this.options;
    const exchangeClient = session.exchangeClient;
    if (exchangeClient) return presentable(exchangeClient, settings);
    const state = await this.options.stored.read();
    const stored = storedClient(state, settings);
    const port = session.listeningPort;
    const information =
      stored && usableAt(stored, issuer, port) ? presentable(stored, settings) : undefined;
    if (information !== undefined || issuer === undefined) return information;
    // No client, and no sign-in starting (discoveryState binds the listener for one): the SDK
    // must not register on its own, with a redirect URI naming no port.
    if (port === undefined) throw this.options.authRequired();
    const discovery = this.options.stored.discovery;
    const client = await this.identity.obtain({
      issuer,
      authorizationServerUrl: discovery?.authorizationServerUrl ?? issuer,
      metadata: discovery?.authorizationServerMetadata,
      clientMetadata: this.metadata,
      scope: authorizationScope({
        requested: this.options.requestScope,
        discovered: discovery?.resourceMetadata?.scopes_supported,
        configured: settings.scope,
        offered: discovery?.authorizationServerMetadata?.scopes_supported,
      }),
      redirectPort: port,
    });
    return presentable(client, settings);
  }

  /** The stored client as presented (a silent refresh authenticates with it). */
  async storedInformation(): Promise<OAuthClientInformationMixed | undefined> {
    const client = storedClient(await this.options.stored.read(), this.options.settings);
    return client && presentable(client, this.options.settings);
  }

  /** The SDK stamps a client with its issuer; wren's clients are stamped when obtained. */
  async saveInformation(information: OAuthClientInformationMixed): Promise<void> {
    const stored = storedClient(await this.options.stored.read(), this.options.settings);
    if (stored?.information.client_id !== information.client_id) return;
    const { client_secret: _secret, ...stamped } = information;
    const client = { ...stored, information: stored.kind === "configured" ? stamped : information };
    await this.persist(client);
  }

  private async persist(client: StoredClient): Promise<void> {
    this.obtained = client;
    await this.options.stored.saveClient(client);
  }
}
