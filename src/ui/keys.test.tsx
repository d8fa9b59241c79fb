import { Text } from "ink";
import { type ReactElement, useState } from "react";
import { describe, expect, it } from "vitest";
import { renderInk } from "../test-utils/render.js";
import { KeyRouterProvider, useKeys } from "./keys.js";

/**
 * Sends `first`, and `then` as soon as the frame it causes is drawn: a key typed in reply to
 * a frame just drawn, before React has run that render's passive effects.
 */
async function replyToFrame(
  ui: ReturnType<typeof renderInk>,
  first: string,
  then: string,
): Promise<void> {
  await expect.poll(() => ui.stdin.listenerCount("readable")).toBeGreaterThan(0);
  const frames = ui.frames.length;
  ui.stdin.write(first);
  while (ui.frames.length === frames) await new Promise((resolve) => setImmediate(resolve));
  ui.stdin.write(then);
}

/**
 * A render slower than React's 5 ms time slice: the scheduler yields after the commit, so the
 * passive effects wait for a later task, as on a busy machine.
 */
function slowRender(): void {
  const until = performance.now() + 20;
  while (performance.now() < until);
}

/** "x" switches to the second step, which records the next key. */
function TwoSteps(): ReactElement {
  const [step, setStep] = useState<"first" | "second">("first");
  const [seen, setSeen] = useState("");
  if (step === "second") slowRender();
  useKeys((input) => {
    if (step === "first") {
      if (input === "x") setStep("second");
    } else setSeen(input);
  });
  return <Text>{`${step}:${seen}`}</Text>;
}

function Child(props: { onKey: (input: string) => void }): null {
  useKeys(props.onKey);
  return null;
}

/** "x" mounts a listener and activates another; both must get the very next key. */
function Appearing(): ReactElement {
  const [shown, setShown] = useState(false);
  const [mounted, setMounted] = useState("");
  const [activated, setActivated] = useState("");
  if (shown) slowRender();
  useKeys((input) => {
    if (input === "x") setShown(true);
  });
  useKeys((input) => setActivated((s) => s + input), { isActive: shown });
  return (
    <>
      {shown && <Child onKey={(input) => setMounted((s) => s + input)} />}
      <Text>{`mounted:${mounted} activated:${activated}`}</Text>
    </>
  );
}

describe("useKeys under KeyRouterProvider", () => {
  it("hands a key sent right after a state change to the new state's handler", async () => {
    const ui = renderInk(
      <KeyRouterProvider>
        <TwoSteps />
      </KeyRouterProvider>,
    );
    await replyToFrame(ui, "x", "y");
    await ui.waitForFrame("second:y");
  });

  it("reaches a listener mounted or activated by the previous key", async () => {
    const ui = renderInk(
      <KeyRouterProvider>
        <Appearing />
      </KeyRouterProvider>,
    );
    await replyToFrame(ui, "x", "y");
    await ui.waitForFrame("mounted:y activated:y");
  });

  it("works without a provider, for components rendered on their own", async () => {
    const ui = renderInk(<TwoSteps />);
    await ui.press("x");
    await ui.press("y");
    await ui.waitForFrame("second:y");
  });
});
