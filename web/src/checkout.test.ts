import { describe, expect, it } from "vitest";
import { placed, placementKey } from "./checkout";

describe("placementKey", () => {
  it("sends the same key for the same placement until the order is placed", () => {
    let n = 0;
    const next = () => `k${++n}`;
    const store = window.sessionStorage;
    store.clear();
    expect(placementKey(store, "cart v3 + address A", next)).toBe("k1");
    expect(placementKey(store, "cart v3 + address A", next)).toBe("k1"); // double click, retry, reload
    expect(placementKey(store, "cart v3 + address B", next)).toBe("k2"); // another body needs another key
    placed(store);
    expect(placementKey(store, "cart v3 + address B", next)).toBe("k3");
  });
});
