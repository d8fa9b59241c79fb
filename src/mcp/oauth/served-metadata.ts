// The authorization server's metadata exactly as served. The SDK parses OpenID Connect discovery
// with a schema that keeps only the fields it lists, which drops `revocation_endpoint` (and
// others a later feature may need); logout must still find it. The provider's fetch sees every
// discovery response, so the document is kept from there and its fields joined back.
import type { OAuthDiscoveryState } from "@modelcontextprotocol/client";

type AsMetadata = NonNullable<OAuthDiscoveryState["authorizationServerMetadata"]>;

const METADATA_PATH = /\/\.well-known\/(openid-configuration|oauth-authorization-server)(\/|$)/;

/** Metadata documents seen on the wire during one provider's discovery, by issuer. */
export class ServedMetadata {
  private readonly documents = new Map<string, Record<string, unknown>>();
  /** Bodies still being read: full() waits for them. */
  private readonly reading = new Set<Promise<void>>();

  /** Looks at one response of the OAuth fetch; keeps it when it is a metadata document. */
  note(url: string | URL, init: RequestInit | undefined, response: Response): void {
    if ((init?.method ?? "GET") !== "GET" || !response.ok) return;
    let path: string;
    try {
      path = new URL(url).pathname;
    } catch {
      return;
    }
    if (!METADATA_PATH.test(path)) return;
    const reading = response
      .clone()
      .json()
      .then(
        (body: unknown) => {
          // Keyed by the issuer it names; the SDK has already refused a mismatched one.
          if (typeof body !== "object" || body === null || Array.isArray(body)) return;
          const document: Record<string, unknown> = { ...body };
          if (typeof document.issuer === "string") this.documents.set(document.issuer, document);
        },
        () => {},
      )
      .finally(() => this.reading.delete(reading));
    this.reading.add(reading);
  }

  /**
   * `metadata` with the fields the SDK's schema dropped put back from the document the same
   * issuer served; what the SDK parsed wins where both have a field.
   */
  async full(metadata: AsMetadata): Promise<AsMetadata> {
    await Promise.all(this.reading);
    const served = this.documents.get(metadata.issuer);
    return served ? { ...served, ...metadata } : metadata;
  }

  /** `found` with its authorization server metadata kept whole (see {@link full}). */
  async complete(found: OAuthDiscoveryState): Promise<OAuthDiscoveryState> {
    const metadata = found.authorizationServerMetadata;
    return metadata ? { ...found, authorizationServerMetadata: await this.full(metadata) } : found;
  }
}
