import { describe, expect, it } from "vitest";
import { retryAfterMs, retrying } from "./retry";

function server(statuses: number[], retryAfter = "1") {
  const seen: Request[] = [];
  const fetch = (req: RequestInfo | URL) => {
    seen.push(req as Request);
    const status = statuses[Math.min(seen.length - 1, statuses.length - 1)] ?? 200;
    return Promise.resolve(new Response(status === 200 ? "{}" : null, { status, headers: status === 503 ? { "Retry-After": retryAfter } : {} }));
  };
  return { fetch: fetch, seen };
}

describe("retrying", () => {
  const waits: number[] = [];
  const opts = { retries: 2, sleep: (ms: number) => (waits.push(ms), Promise.resolve()) };

  it("retries a read after a 503, waiting Retry-After", async () => {
    waits.length = 0;
    const s = server([503, 200], "2");
    const res = await retrying(s.fetch, opts)(new Request("http://x/v1/products"));
    expect(res.status).toBe(200);
    expect(s.seen).toHaveLength(2);
    expect(waits).toEqual([2000]);
  });

  it("gives up after its retries and shows the 503", async () => {
    const s = server([503]);
    const res = await retrying(s.fetch, opts)(new Request("http://x/v1/cart"));
    expect(res.status).toBe(503);
    expect(s.seen).toHaveLength(3);
  });

  it("never repeats a POST without an Idempotency-Key", async () => {
    const s = server([503, 200]);
    const res = await retrying(s.fetch, opts)(new Request("http://x/v1/accounts", { method: "POST", body: "{}" }));
    expect(res.status).toBe(503);
    expect(s.seen).toHaveLength(1);
  });

  it("repeats a POST with an Idempotency-Key, body and key intact", async () => {
    const s = server([503, 200]);
    const req = new Request("http://x/v1/orders", { method: "POST", body: '{"a":1}', headers: { "Idempotency-Key": "k1" } });
    const res = await retrying(s.fetch, opts)(req);
    expect(res.status).toBe(200);
    expect(s.seen).toHaveLength(2);
    expect(s.seen[1]?.headers.get("Idempotency-Key")).toBe("k1");
    expect(await s.seen[1]?.text()).toBe('{"a":1}');
  });

  it("does not wait for an unreasonable Retry-After", async () => {
    const s = server([503, 200], "3600");
    const res = await retrying(s.fetch, opts)(new Request("http://x/v1/products"));
    expect(res.status).toBe(503);
  });

  it("reads seconds and dates", () => {
    expect(retryAfterMs("3")).toBe(3000);
    expect(retryAfterMs(null)).toBeUndefined();
    expect(retryAfterMs("soon")).toBeUndefined();
    expect(retryAfterMs(new Date(10_000).toUTCString(), 5_000)).toBe(5000);
  });
});
