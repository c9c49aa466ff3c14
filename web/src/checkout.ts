// The idempotency key of an order placement. One key is kept per cart
// version and shipping address until the order is placed, in sessionStorage,
// so a double click, a retry after a network failure or a reload sends the
// same key and places at most one order; the API answers a repeat with the
// first order.

export interface KeyStore {
  getItem(k: string): string | null;
  setItem(k: string, v: string): void;
  removeItem(k: string): void;
}

const storageKey = "quartet.checkout";

export function placementKey(store: KeyStore, fingerprint: string, newKey: () => string = () => crypto.randomUUID()): string {
  const saved = store.getItem(storageKey);
  if (saved) {
    try {
      const { key, fp } = JSON.parse(saved) as { key: string; fp: string };
      if (fp === fingerprint && key) return key;
    } catch {
      // a damaged entry is replaced below
    }
  }
  const key = newKey();
  store.setItem(storageKey, JSON.stringify({ key, fp: fingerprint }));
  return key;
}

/** placed forgets the key once its order exists. */
export function placed(store: KeyStore): void {
  store.removeItem(storageKey);
}
