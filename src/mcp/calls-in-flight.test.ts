import { describe, expect, it } from "vitest";
import { type Closable, createCallsInFlight } from "./calls-in-flight.js";

/** A connection whose closes are counted. */
function fakeConnection(): { connection: Closable; closes(): number } {
  let closes = 0;
  const connection: Closable = {
    close: async () => {
      closes++;
    },
  };
  return { connection, closes: () => closes };
}

describe("createCallsInFlight", () => {
  it("closes a retired connection at once when nothing runs on it", () => {
    const calls = createCallsInFlight();
    const idle = fakeConnection();
    calls.retire(idle.connection);
    expect(idle.closes()).toBe(1);
  });

  it("closes a retired connection when its last running call ends, once", async () => {
    const calls = createCallsInFlight();
    const busy = fakeConnection();
    let finishFirst: () => void = () => {};
    let finishSecond: () => void = () => {};
    const first = calls.track(busy.connection, () => new Promise<void>((r) => (finishFirst = r)));
    const second = calls.track(busy.connection, () => new Promise<void>((r) => (finishSecond = r)));
    calls.retire(busy.connection);
    finishFirst();
    await first;
    expect(busy.closes()).toBe(0);
    finishSecond();
    await second;
    expect(busy.closes()).toBe(1);
  });

  it("closeRetired closes what still waits for its calls", async () => {
    const calls = createCallsInFlight();
    const busy = fakeConnection();
    void calls.track(busy.connection, () => new Promise<void>(() => {}));
    calls.retire(busy.connection);
    await calls.closeRetired();
    expect(busy.closes()).toBe(1);
  });
});
