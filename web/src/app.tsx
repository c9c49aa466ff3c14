// The app's shared state: the typed API client and the session.
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from "react";
import { createApi, type Api } from "./api/client";
import { sessionFromToken, type Session, type SessionStore } from "./session";

interface AppState {
  api: Api;
  session: Session | null;
  signIn: (token: string, expiresIn?: number) => void;
  signOut: () => void;
}

const AppContext = createContext<AppState | null>(null);

export function AppProvider({ store, children, fetch }: { store: SessionStore; children: ReactNode; fetch?: typeof globalThis.fetch }) {
  const [session, setSession] = useState<Session | null>(() => store.load());

  const signOut = useCallback(() => {
    store.save(null);
    setSession(null);
  }, [store]);

  const signIn = useCallback(
    (token: string, expiresIn?: number) => {
      const s = sessionFromToken(token, expiresIn);
      store.save(s);
      setSession(s);
    },
    [store],
  );

  // Built once; it reads the token from the store at every request.
  const api = useMemo(
    () => createApi({ token: () => store.current()?.token ?? null, onUnauthorized: signOut, ...(fetch ? { fetch } : {}) }),
    [store, signOut, fetch],
  );

  const value = useMemo(() => ({ api, session, signIn, signOut }), [api, session, signIn, signOut]);
  return <AppContext value={value}>{children}</AppContext>;
}

export function useApp(): AppState {
  const s = useContext(AppContext);
  if (!s) throw new Error("useApp outside AppProvider");
  return s;
}
