// Test helpers: the app's routes at an address, over a fetch that answers
// like the API would (shapes from the OpenAPI documents).
import { render } from "@testing-library/react";
import { createMemoryRouter, RouterProvider } from "react-router";
import { AppProvider } from "./app";
import { routes } from "./routes";
import { sessionStore } from "./session";

export type Handler = (req: Request) => Response | Promise<Response> | undefined;

export const json = (body: unknown, init: ResponseInit = {}) =>
  new Response(JSON.stringify(body), { status: 200, headers: { "Content-Type": "application/json" }, ...init });

export const problem = (status: number, title: string, extra: object = {}) =>
  new Response(JSON.stringify({ type: "about:blank", title, status, ...extra }), {
    status,
    headers: { "Content-Type": "application/problem+json" },
  });

export function renderAt(path: string, handler: Handler, token?: string) {
  window.sessionStorage.clear();
  if (token) window.sessionStorage.setItem("quartet.session", token);
  const seen: Request[] = [];
  const fetch = async (input: RequestInfo | URL) => {
    const req = input as Request;
    seen.push(req.clone());
    return (await handler(req)) ?? problem(404, "Not Found");
  };
  const router = createMemoryRouter(routes, { initialEntries: [path] });
  const view = render(
    <AppProvider store={sessionStore(window.sessionStorage)} fetch={fetch}>
      <RouterProvider router={router} />
    </AppProvider>,
  );
  return { ...view, router, seen };
}

const b64 = (o: object) =>
  btoa(String.fromCharCode(...new TextEncoder().encode(JSON.stringify(o))))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");

/** fakeToken has the claims the app reads; the tests' fetch does not check it. */
export const fakeToken = (claims: object) =>
  `${b64({ alg: "RS256" })}.${b64({ exp: Date.now() / 1000 + 900, ...claims })}.sig`;
