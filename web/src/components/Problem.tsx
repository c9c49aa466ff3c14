import type { ApiError } from "../api/problem";

/** ProblemAlert shows a failed call's problem details in words, with the request id to quote. */
export function ProblemAlert({ error, onRetry }: { error: ApiError | null | undefined; onRetry?: () => void }) {
  if (!error) return null;
  const p = error.problem;
  const unavailable = p.status === 503 || p.status === 0;
  return (
    <div role="alert" className="problem">
      <p className="problem-title">
        <strong>{p.title}</strong>
        {p.status > 0 && <span className="problem-status"> ({p.status})</span>}
      </p>
      {p.detail && p.detail !== p.title && <p>{p.detail}</p>}
      {p.errors && p.errors.length > 0 && (
        <ul>
          {p.errors.map((e) => (
            <li key={e.pointer + e.detail}>
              <code>{e.pointer.replace(/^\//, "")}</code>: {e.detail}
            </li>
          ))}
        </ul>
      )}
      {unavailable && <p>This part of the store is busy or unreachable. Please try again in a moment.</p>}
      {p.requestId && (
        <p className="problem-request">
          Request id: <code>{p.requestId}</code>
        </p>
      )}
      {onRetry && (
        <button type="button" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}
