// One typed client for the four contexts. The types are generated from their
// OpenAPI documents (make web-types); every path is under /v1 on this origin.
import createClient, { type Middleware } from "openapi-fetch";
import type { paths as accounts } from "./accounts";
import type { paths as catalog } from "./catalog";
import type { paths as orders } from "./orders";
import type { paths as reviews } from "./reviews";
import { ApiError, networkProblem, toProblem } from "./problem";
import { retrying } from "./retry";

export type Paths = catalog & accounts & orders & reviews;

export type { components as CatalogSchemas } from "./catalog";
export type { components as OrdersSchemas } from "./orders";
export type { components as ReviewsSchemas } from "./reviews";
export type { components as AccountsSchemas } from "./accounts";

export interface ClientOptions {
  /** The origin of the API; the page's own by default. */
  baseUrl?: string;
  /** The access token to send, if any, read at every request. */
  token: () => string | null;
  /** Called when a request with a token answers 401: the token expired or was revoked. */
  onUnauthorized?: () => void;
  fetch?: typeof fetch;
}

export type Api = ReturnType<typeof createApi>;

export function createApi(opts: ClientOptions) {
  const inner = opts.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const client = createClient<Paths>({
    baseUrl: opts.baseUrl ?? "",
    fetch: retrying(inner),
  });
  const auth: Middleware = {
    onRequest({ request }) {
      const token = opts.token();
      if (token && !request.headers.has("Authorization")) request.headers.set("Authorization", `Bearer ${token}`);
      return request;
    },
    onResponse({ request, response }) {
      if (response.status === 401 && request.headers.has("Authorization")) opts.onUnauthorized?.();
      return response;
    },
  };
  client.use(auth);
  return client;
}

interface Result<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/**
 * must returns the data of a call, or throws its problem as an ApiError, so
 * that callers handle failures in one place:
 *
 *   const page = await must(api.GET("/v1/products", { params: { query } }));
 */
export async function must<T>(call: Promise<Result<T>>): Promise<T> {
  let r: Result<T>;
  try {
    r = await call;
  } catch (err) {
    if (err instanceof DOMException && err.name === "AbortError") throw err;
    throw new ApiError(networkProblem(err));
  }
  if (!r.response.ok) throw new ApiError(toProblem(r.error, r.response));
  return r.data as T;
}

/** etag returns the ETag of a response, for a later If-Match. */
export function etag(r: { response: Response }): string {
  return r.response.headers.get("ETag") ?? "";
}

/** send is must, keeping the response for its headers (ETag, Location). */
export async function send<T>(call: Promise<Result<T>>): Promise<{ data: T; response: Response }> {
  let response: Response | undefined;
  const data = await must(
    call.then((r) => {
      response = r.response;
      return r;
    }),
  );
  return { data, response: response as Response };
}
