// Problem details (RFC 9457) as every context answers them, and the error
// the client raises for any answer that is not a success.

export interface FieldError {
  pointer: string;
  detail: string;
}

export interface Problem {
  type?: string;
  title: string;
  status: number;
  detail?: string;
  requestId?: string;
  errors?: readonly FieldError[];
}

/** ApiError is a failed API call: its problem, as the API sent it or as close as we can tell. */
export class ApiError extends Error {
  readonly problem: Problem;

  constructor(problem: Problem) {
    super(problem.detail ?? problem.title);
    this.name = "ApiError";
    this.problem = problem;
  }

  get status(): number {
    return this.problem.status;
  }
}

function isProblem(v: unknown): v is Problem {
  return typeof v === "object" && v !== null && typeof (v as Problem).title === "string";
}

/**
 * toProblem turns what openapi-fetch returns as `error` (a problem body, API
 * Gateway's {"message": ...}, or text) into a Problem for the response.
 */
export function toProblem(body: unknown, response: Response): Problem {
  if (isProblem(body)) return { ...body, status: body.status || response.status };
  const message =
    typeof body === "object" && body !== null && typeof (body as { message?: unknown }).message === "string"
      ? (body as { message: string }).message
      : undefined;
  return {
    title: message ?? (response.statusText || `HTTP ${response.status}`),
    status: response.status,
    requestId: response.headers.get("X-Request-Id") ?? response.headers.get("Apigw-Requestid") ?? undefined,
  };
}

/** networkProblem describes a request that got no answer at all. */
export function networkProblem(err: unknown): Problem {
  return {
    title: "The store could not be reached",
    status: 0,
    detail: err instanceof Error ? err.message : String(err),
  };
}

/** fieldErrors maps the problem's errors to form fields: "/price/amount" -> "price.amount". */
export function fieldErrors(problem: Problem | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of problem?.errors ?? []) {
    const key = e.pointer.replace(/^\//, "").replaceAll("/", ".");
    out[key] ??= e.detail;
  }
  return out;
}
