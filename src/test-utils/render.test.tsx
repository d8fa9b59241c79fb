import { Text, useInput } from "ink";
import { type ReactElement, useEffect, useState } from "react";
import { describe, expect, it } from "vitest";
import { InkWaitError, Keys, renderInk } from "./render.js";

function Picker({ items }: { items: string[] }): ReactElement {
  const [index, setIndex] = useState(0);
  const [status, setStatus] = useState("choosing");
  useInput((input, key) => {
    if (key.upArrow) setIndex((i) => Math.max(0, i - 1));
    else if (key.downArrow) setIndex((i) => Math.min(items.length - 1, i + 1));
    else if (key.return) setStatus(`picked ${items[index]}`);
    else if (key.escape) setStatus("cancelled");
    else setStatus(`typed ${input}`);
  });
  return (
    <Text>
      {items.map((item, i) => `${i === index ? "›" : " "} ${item}`).join("\n")}
      {`\n${status}`}
    </Text>
  );
}

function Ticker({ until }: { until: number }): ReactElement {
  const [n, setN] = useState(0);
  useEffect(() => {
    if (n >= until) return;
    // A tick per event-loop turn: frames keep changing for a while, then stop.
    const timer = setImmediate(() => setN(n + 1));
    return () => clearImmediate(timer);
  }, [n, until]);
  return <Text>tick {n}</Text>;
}

describe("renderInk", () => {
  it("presses keys once the component reads input and waits for the frame", async () => {
    const ui = renderInk(<Picker items={["alpha", "beta", "gamma"]} />);
    expect(ui.frame()).toContain("› alpha");
    // Pressed immediately after render: press waits for useInput's listener instead of dropping it.
    await ui.press(Keys.down);
    await ui.press(Keys.down);
    await ui.press(Keys.up);
    await ui.waitForFrame("› beta");
    await ui.press(Keys.enter);
    expect(await ui.waitForFrame(/picked beta$/)).toContain("  gamma");
  });

  it("delivers a lone Esc and typed text", async () => {
    const ui = renderInk(<Picker items={["alpha"]} />);
    await ui.press(Keys.escape);
    await ui.waitForFrame("cancelled");
    await ui.type("x");
    await ui.waitForFrame("typed x");
  });

  it("rejects waitForFrame on timeout with the last frame in the message", async () => {
    const ui = renderInk(<Picker items={["alpha"]} />);
    const error = await ui.waitForFrame("omega", { timeout: 50 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InkWaitError);
    expect(String(error)).toContain('waiting for a frame matching "omega"');
    expect(String(error)).toContain("› alpha");
  });

  it("fails press when no component reads input", async () => {
    const ui = renderInk(<Text>static</Text>);
    await expect(ui.press(Keys.enter, { timeout: 50 })).rejects.toThrow(/no active useInput/);
  });

  it("settles once frames stop changing", async () => {
    const ui = renderInk(<Ticker until={10} />);
    // A generous quiet window: on a loaded 2-core machine a turn of the event loop can lag.
    expect(await ui.settle({ quietMs: 400, timeout: 10_000 })).toBe("tick 10");
  });
});
