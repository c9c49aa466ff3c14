// The signed-in session: the access token kept in memory and in
// sessionStorage. sessionStorage survives a reload and is private to the
// tab, and it goes away when the tab closes; it is readable by the page's
// scripts, which is why the token is short-lived (15 minutes) and the app
// loads no third-party script. See docs/architecture.md.

export interface Session {
  token: string;
  /** The account id (the token's sub). */
  accountId: string;
  name: string;
  roles: readonly string[];
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

const key = "quartet.session";

function base64UrlDecode(s: string): string {
  const b64 = s.replaceAll("-", "+").replaceAll("_", "/").padEnd(Math.ceil(s.length / 4) * 4, "=");
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

/**
 * sessionFromToken reads the claims the app shows (who, which roles, until
 * when). It does not verify the token: the gateway does, at every request.
 */
export function sessionFromToken(token: string, expiresIn?: number, now = Date.now()): Session | null {
  const payload = token.split(".")[1];
  if (!payload) return null;
  try {
    const claims = JSON.parse(base64UrlDecode(payload)) as Record<string, unknown>;
    const roles = Array.isArray(claims.roles)
      ? claims.roles.filter((r): r is string => typeof r === "string")
      : typeof claims.roles === "string"
        ? claims.roles.split(/[\s,]+/).filter(Boolean)
        : [];
    const exp = typeof claims.exp === "number" ? claims.exp * 1000 : now + (expiresIn ?? 0) * 1000;
    return {
      token,
      accountId: typeof claims.sub === "string" ? claims.sub : "",
      name: typeof claims.name === "string" ? claims.name : "",
      roles,
      expiresAt: exp,
    };
  } catch {
    return null;
  }
}

export interface SessionStore {
  /** load reads the session kept in storage, if it has not expired, and keeps it in memory. */
  load(now?: number): Session | null;
  /** current is the session in memory, read at every API request. */
  current(): Session | null;
  save(s: Session | null): void;
}

/** sessionStore keeps the session in memory and in storage (window.sessionStorage in the app). */
export function sessionStore(storage: Storage | undefined): SessionStore {
  let memory: Session | null = null;
  return {
    load(now = Date.now()) {
      const token = storage?.getItem(key);
      const s = token ? sessionFromToken(token) : null;
      memory = s && s.expiresAt > now ? s : null;
      if (!memory) storage?.removeItem(key);
      return memory;
    },
    current: () => memory,
    save(s) {
      memory = s;
      if (s) storage?.setItem(key, s.token);
      else storage?.removeItem(key);
    },
  };
}
