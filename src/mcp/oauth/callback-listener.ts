import { McpAuthPortBusyError } from "./errors.js";
import { type Loopback, LoopbackPortBusyError, startLoopback } from "./loopback.js";

/** Options of {@link CallbackListener}. */
export interface CallbackListenerOptions {
  readonly server: string;
  /** `oauth.callbackPort`: the only port tried, and a busy one is an error. */
  readonly callbackPort?: number;
  readonly log?: (line: string) => void;
}

/**
 * The sign-in's loopback callback listener (RFC 8252 §7.3), bound once per sign-in on the
 * configured port, else the port the stored registration names, else an ephemeral one.
 */
export class CallbackListener {
  private readonly options: CallbackListenerOptions;
  private current: Loopback | undefined;
  private starting: Promise<void> | undefined;

  constructor(options: CallbackListenerOptions) {
    this.options = options;
  }

  /** The bound listener, if any. */
  get loopback(): Loopback | undefined {
    return this.current;
  }

  /** Binds the listener unless it is bound; concurrent callers share one bind. */
  ensure(
    rememberedPort: number | undefined,
    bind: (port: number) => Promise<Loopback> = startLoopback,
  ): Promise<void> {
    if (this.current) return Promise.resolve();
    this.starting ??= this.bind(rememberedPort, bind).finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  /** Closes the listener, if one is open. */
  async release(): Promise<void> {
    const loopback = this.current;
    this.current = undefined;
    await loopback?.close();
  }

  private async bind(
    rememberedPort: number | undefined,
    bind: (port: number) => Promise<Loopback>,
  ): Promise<void> {
    const { callbackPort, server } = this.options;
    if (callbackPort !== undefined) {
      try {
        this.current = await bind(callbackPort);
      } catch (error) {
        if (error instanceof LoopbackPortBusyError)
          throw new McpAuthPortBusyError(server, callbackPort);
        throw error;
      }
      return;
    }
    const remembered = rememberedPort;
    if (remembered !== undefined) {
      try {
        this.current = await bind(remembered);
      } catch (error) {
        if (!(error instanceof LoopbackPortBusyError)) throw error;
        this.options.log?.(`${server}: callback port ${remembered} is busy`);
      }
    }
    this.current ??= await bind(0);
  }
}
