// Change notifications on a 2026-07-28 connection. That revision dropped `resources/subscribe`
// and the unsolicited list_changed notifications: the client opens a `subscriptions/listen`
// stream naming what it wants (list changes, resource URIs), and the server answers on it. The
// SDK's `client.listen()` owns the wire; this keeps one stream per connection whose filter grows
// as the user attaches resources. Notifications on it reach the handlers client-hooks.ts registered.
import type {
  Client,
  McpSubscription,
  RequestOptions,
  SubscriptionFilter,
} from "@modelcontextprotocol/client";
import { errorText } from "../utils/errors.js";

/** The listen stream of one modern connection. */
export interface ChangeStream {
  /** Adds a resource URI to the stream (listens again with the wider filter). */
  watch(uri: string): Promise<void>;
  /** Ends the stream; nothing is listened to again. */
  close(): Promise<void>;
}

/** Most times a stream the server dropped is opened again on one connection. */
const MAX_RELISTENS = 5;

/** Options of {@link openChangeStream}. */
export interface ChangeStreamOptions {
  readonly requestOptions: () => RequestOptions;
  readonly log: (line: string) => void;
}

/**
 * Opens the stream for the list changes the server's capabilities offer (if any) and returns
 * the handle. Listening is serialized: a new filter is acknowledged before the old stream closes,
 * so no change between the two is lost.
 */
export function openChangeStream(client: Client, options: ChangeStreamOptions): ChangeStream {
  const caps = client.getServerCapabilities();
  const base: SubscriptionFilter = {
    ...(caps?.tools?.listChanged && { toolsListChanged: true }),
    ...(caps?.prompts?.listChanged && { promptsListChanged: true }),
    ...(caps?.resources?.listChanged && { resourcesListChanged: true }),
  };
  const uris = new Set<string>();
  let current: McpSubscription | undefined;
  let closed = false;
  let relistens = 0;
  // Each (re)listen runs after the one before it settled.
  let queue: Promise<void> = Promise.resolve();

  const filter = (): SubscriptionFilter =>
    uris.size === 0 ? base : { ...base, resourceSubscriptions: [...uris] };

  const listen = async (): Promise<void> => {
    if (closed) return;
    const wanted = filter();
    if (Object.keys(wanted).length === 0) return;
    let next: McpSubscription;
    try {
      next = await client.listen(wanted, options.requestOptions());
    } catch (error) {
      options.log(`subscriptions/listen failed: ${errorText(error)}`);
      return;
    }
    const previous = current;
    current = next;
    await previous?.close();
    if (closed) {
      await next.close();
      return;
    }
    const refused = (wanted.resourceSubscriptions ?? []).filter(
      (uri) => !next.honoredFilter.resourceSubscriptions?.includes(uri),
    );
    if (refused.length > 0) options.log(`server will not report changes to ${refused.join(", ")}`);
    void next.closed.then((how) => {
      // A stream the server dropped is opened again (bounded); one we replaced or closed is not.
      if (how !== "remote" || closed || current !== next) return;
      current = undefined;
      if (relistens >= MAX_RELISTENS) {
        options.log("subscriptions/listen stream dropped; not listening again");
        return;
      }
      relistens++;
      options.log("subscriptions/listen stream dropped; listening again");
      enqueue();
    });
  };
  const enqueue = (): Promise<void> => {
    queue = queue.then(listen);
    return queue;
  };

  void enqueue();
  return {
    watch(uri) {
      if (closed || uris.has(uri)) return queue;
      uris.add(uri);
      return enqueue();
    },
    async close() {
      closed = true;
      const last = current;
      current = undefined;
      await last?.close();
    },
  };
}
