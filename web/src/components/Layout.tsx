import { useEffect, useRef, type ReactNode } from "react";
import { Link, NavLink, Outlet, useLocation, useNavigate } from "react-router";
import { must } from "../api/client";
import { useApp } from "../app";
import { useLoad } from "../load";

/** usePageTitle names the page in the tab and for screen readers. */
export function usePageTitle(title: string) {
  useEffect(() => {
    document.title = title ? `${title} · Quartet` : "Quartet";
  }, [title]);
}

export function Layout() {
  const { api, session, signOut } = useApp();
  const navigate = useNavigate();
  // Tokens carry no display name: the header reads it from the account.
  const token = session?.token;
  const me = useLoad((signal) => (token ? must(api.GET("/v1/me", { signal })) : Promise.resolve(null)), [api, token]);
  // After a navigation inside the app, keyboard and screen-reader users start at the new page's content.
  const { pathname } = useLocation();
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    main.current?.focus();
  }, [pathname]);
  const admin = session?.roles.includes("admin") ?? false;
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <Link to="/" className="brand">
          Quartet
        </Link>
        <nav aria-label="Main">
          <ul>
            <li>
              <NavLink to="/" end>
                Catalog
              </NavLink>
            </li>
            <li>
              <NavLink to="/cart">Cart</NavLink>
            </li>
            {session && (
              <li>
                <NavLink to="/orders">Orders</NavLink>
              </li>
            )}
            {admin && (
              <li>
                <NavLink to="/admin">Admin</NavLink>
              </li>
            )}
            <li>
              <NavLink to="/docs">API</NavLink>
            </li>
          </ul>
        </nav>
        <div className="account-menu">
          {session ? (
            <>
              <NavLink to="/account">{me.data?.displayName ?? (session.name || "Account")}</NavLink>
              <button
                type="button"
                className="link-button"
                onClick={() => {
                  signOut();
                  void navigate("/");
                }}
              >
                Sign out
              </button>
            </>
          ) : (
            <>
              <NavLink to="/signin">Sign in</NavLink>
              <NavLink to="/signup">Sign up</NavLink>
            </>
          )}
        </div>
      </header>
      <main id="main" tabIndex={-1} ref={main}>
        <Outlet />
      </main>
      <footer className="site-footer">
        <p>
          Quartet — a reference storefront: four bounded contexts, four stores. <Link to="/docs">API reference</Link>
        </p>
      </footer>
    </>
  );
}

/** RequireSession shows a sign-in prompt instead of a page that needs one. */
export function RequireSession({ children, needs }: { children: ReactNode; needs?: string }) {
  const { session } = useApp();
  const location = useLocation();
  if (!session)
    return (
      <section>
        <h1>Please sign in</h1>
        <p>
          <Link to={`/signin?next=${encodeURIComponent(location.pathname + location.search)}`}>Sign in</Link> or{" "}
          <Link to="/signup">create an account</Link> to see this page.
        </p>
      </section>
    );
  if (needs && !session.roles.includes(needs))
    return (
      <section>
        <h1>Not allowed</h1>
        <p>This page is for accounts with the {needs} role.</p>
      </section>
    );
  return <>{children}</>;
}
