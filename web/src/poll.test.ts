import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "./api/problem";
import { backoff, poll, type Visibility } from "./poll";

function page(hidden = false) {
  const fns = new Set<() => void>();
  const vis: Visibility & { set(h: boolean): void; listeners: () => number } = {
    hidden,
    addEventListener: (_t, fn) => fns.add(fn),
    removeEventListener: (_t, fn) => fns.delete(fn),
    set(h) {
      (this as { hidden: boolean }).hidden = h;
      for (const fn of fns) fn();
    },
    listeners: () => fns.size,
  };
  return vis;
}

describe("backoff", () => {
  it("grows, is capped and bounded", () => {
    const d = backoff();
    expect(d).toHaveLength(12);
    expect(d[0]).toBe(750);
    for (let i = 1; i < d.length; i++) expect(d[i]).toBeGreaterThanOrEqual(d[i - 1] ?? 0);
    expect(Math.max(...d)).toBe(10_000);
    expect(backoff(100, 2, 1000, 5)).toEqual([100, 200, 400, 800, 1000]);
  });
});

describe("poll", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("reads after each wait, one at a time, and stops once settled", async () => {
    const answers = ["pending", "pending", "confirmed"];
    const read = vi.fn(() => Promise.resolve(answers.shift() ?? "late"));
    const values: string[] = [];
    const vis = page();
    poll({ read, settled: (v) => v !== "pending", onValue: (v) => values.push(v), delays: [100, 200, 400, 800], visibility: vis });

    await vi.advanceTimersByTimeAsync(99);
    expect(read).toHaveBeenCalledTimes(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(read).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(199);
    expect(read).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(read).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(400);
    expect(read).toHaveBeenCalledTimes(3);
    expect(values).toEqual(["pending", "pending", "confirmed"]);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(read).toHaveBeenCalledTimes(3);
    expect(vis.listeners()).toBe(0);
  });

  it("gives up after the bound, having read once per delay", async () => {
    const read = vi.fn(() => Promise.resolve("pending"));
    const onGiveUp = vi.fn();
    poll({ read, settled: () => false, onValue: () => {}, onGiveUp, delays: [100, 100, 100], visibility: page() });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(read).toHaveBeenCalledTimes(3);
    expect(onGiveUp).toHaveBeenCalledTimes(1);
    expect(onGiveUp).toHaveBeenCalledWith(undefined);
  });

  it("never starts a read before the previous one has answered", async () => {
    let resolve: (v: string) => void = () => {};
    const read = vi.fn(() => new Promise<string>((r) => (resolve = r)));
    poll({ read, settled: (v) => v === "done", onValue: () => {}, delays: [10, 10, 10], visibility: page() });
    await vi.advanceTimersByTimeAsync(1000);
    expect(read).toHaveBeenCalledTimes(1);
    resolve("pending");
    await vi.advanceTimersByTimeAsync(9);
    expect(read).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(read).toHaveBeenCalledTimes(2);
  });

  it("pauses while the page is hidden and does not speed up when it is shown again", async () => {
    const read = vi.fn(() => Promise.resolve("pending"));
    const vis = page();
    poll({ read, settled: () => false, onValue: () => {}, delays: [100, 1000, 1000, 1000], visibility: vis });
    await vi.advanceTimersByTimeAsync(100);
    expect(read).toHaveBeenCalledTimes(1);

    vis.set(true);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(read).toHaveBeenCalledTimes(1); // nothing while hidden

    vis.set(false); // the wait is long over: one read now
    await vi.advanceTimersByTimeAsync(0);
    expect(read).toHaveBeenCalledTimes(2);

    // Hiding and showing again at once does not cut the next wait short.
    vis.set(true);
    vis.set(false);
    vis.set(true);
    vis.set(false);
    await vi.advanceTimersByTimeAsync(999);
    expect(read).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(read).toHaveBeenCalledTimes(3);
  });

  it("does not start while the page is hidden", async () => {
    const read = vi.fn(() => Promise.resolve("pending"));
    const vis = page(true);
    poll({ read, settled: () => false, onValue: () => {}, delays: [100], visibility: vis });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(read).not.toHaveBeenCalled();
    vis.set(false);
    await vi.advanceTimersByTimeAsync(0);
    expect(read).toHaveBeenCalledTimes(1);
  });

  it("goes on after a network failure or a 503, and stops on a 404", async () => {
    const failures = [new ApiError({ title: "unreachable", status: 0 }), new ApiError({ title: "busy", status: 503 })];
    const read = vi.fn(() => {
      const f = failures.shift();
      return f ? Promise.reject(f) : Promise.reject(new ApiError({ title: "Not Found", status: 404 }));
    });
    const onGiveUp = vi.fn();
    poll({ read, settled: () => false, onValue: () => {}, onGiveUp, delays: [10, 10, 10, 10, 10], visibility: page() });
    await vi.advanceTimersByTimeAsync(1000);
    expect(read).toHaveBeenCalledTimes(3);
    expect(onGiveUp).toHaveBeenCalledTimes(1);
    expect((onGiveUp.mock.calls[0]?.[0] as ApiError).status).toBe(404);
  });

  it("stops when asked, aborting the read on its way", async () => {
    let signal: AbortSignal | undefined;
    const read = vi.fn((s: AbortSignal) => {
      signal = s;
      return new Promise<string>(() => {});
    });
    const onValue = vi.fn();
    const vis = page();
    const stop = poll({ read, settled: () => false, onValue, delays: [10, 10], visibility: vis });
    await vi.advanceTimersByTimeAsync(10);
    expect(read).toHaveBeenCalledTimes(1);
    stop();
    expect(signal?.aborted).toBe(true);
    expect(vis.listeners()).toBe(0);
    await vi.advanceTimersByTimeAsync(1000);
    expect(read).toHaveBeenCalledTimes(1);
    expect(onValue).not.toHaveBeenCalled();
  });
});
