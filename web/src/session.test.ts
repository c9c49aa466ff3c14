import { describe, expect, it } from "vitest";
import { sessionFromToken, sessionStore } from "./session";

const b64 = (o: object) => btoa(String.fromCharCode(...new TextEncoder().encode(JSON.stringify(o)))).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
const token = (claims: object) => `${b64({ alg: "RS256" })}.${b64(claims)}.sig`;

describe("session", () => {
  it("reads who is signed in from the token", () => {
    const s = sessionFromToken(token({ sub: "a1", name: "Zoë", roles: ["customer", "admin"], exp: 2000 }));
    expect(s).toMatchObject({ accountId: "a1", name: "Zoë", roles: ["customer", "admin"], expiresAt: 2_000_000 });
    expect(sessionFromToken("not a token")).toBeNull();
  });

  it("keeps the token in memory and sessionStorage until it expires", () => {
    const store = sessionStore(window.sessionStorage);
    const s = sessionFromToken(token({ sub: "a1", roles: ["customer"], exp: 100 }));
    store.save(s);
    expect(store.current()?.accountId).toBe("a1");
    expect(sessionStore(window.sessionStorage).load(50_000)?.accountId).toBe("a1");
    expect(sessionStore(window.sessionStorage).load(100_000)).toBeNull();
    expect(window.sessionStorage.length).toBe(0);
  });
});
