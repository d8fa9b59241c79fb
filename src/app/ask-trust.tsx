import { render } from "ink";
import { KeyRouterProvider } from "../ui/keys.js";
import { type TrustAnswer, TrustPrompt, type TrustQuestion } from "../ui/trust-prompt.js";

/**
 * Shows the trust question on its own, before the REPL (and MCP) start, and resolves with the
 * answer. Only Ink and the prompt load for it, so it appears as fast as the REPL's first frame.
 */
export function askTrust(question: TrustQuestion): Promise<TrustAnswer> {
  // Raw mode before the first frame, as the REPL does: keys typed now reach the question.
  if (process.stdin.isTTY) process.stdin.setRawMode(true);
  let answer: TrustAnswer = "later";
  const instance = render(
    <KeyRouterProvider>
      <TrustPrompt
        question={question}
        onAnswer={(value) => {
          answer = value;
          instance.unmount();
        }}
      />
    </KeyRouterProvider>,
    { exitOnCtrlC: false },
  );
  // A SIGINT from outside leaves wren, as Ctrl+C in the question does.
  const onSignal = (): void => {
    answer = "quit";
    instance.unmount();
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  return instance
    .waitUntilExit()
    .then(
      () => answer,
      () => answer,
    )
    .finally(() => {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    });
}
