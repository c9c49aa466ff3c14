import { useState } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import { must } from "../api/client";
import { fieldErrors, type ApiError } from "../api/problem";
import { useApp } from "../app";
import { Field } from "../components/Field";
import { usePageTitle } from "../components/Layout";
import { ProblemAlert } from "../components/Problem";

/** safeNext keeps a post-sign-in destination on this site. */
export function safeNext(next: string | null): string {
  return next && next.startsWith("/") && !next.startsWith("//") ? next : "/";
}

export function SignInPage() {
  usePageTitle("Sign in");
  const { api, signIn } = useApp();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      const s = await must(api.POST("/v1/sessions", { body: { email, password } }));
      signIn(s.accessToken, s.expiresIn);
      void navigate(safeNext(params.get("next")));
    } catch (err) {
      setError(err as ApiError);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="narrow">
      <h1>Sign in</h1>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <Field label="Email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
        <Field
          label="Password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <ProblemAlert error={error} />
        <button type="submit" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
      <p>
        New here? <Link to={`/signup${params.get("next") ? `?next=${encodeURIComponent(params.get("next") ?? "")}` : ""}`}>Create an account</Link>.
      </p>
    </section>
  );
}

export function SignUpPage() {
  usePageTitle("Create an account");
  const { api, signIn } = useApp();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [form, setForm] = useState({ email: "", displayName: "", password: "" });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const fields = fieldErrors(error?.problem);

  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      await must(api.POST("/v1/accounts", { body: form }));
      const s = await must(api.POST("/v1/sessions", { body: { email: form.email, password: form.password } }));
      signIn(s.accessToken, s.expiresIn);
      void navigate(safeNext(params.get("next")));
    } catch (err) {
      setError(err as ApiError);
    } finally {
      setBusy(false);
    }
  };
  const set = (k: keyof typeof form) => (e: React.ChangeEvent<HTMLInputElement>) => setForm((f) => ({ ...f, [k]: e.target.value }));

  return (
    <section className="narrow">
      <h1>Create an account</h1>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <Field label="Name" autoComplete="name" required maxLength={100} value={form.displayName} onChange={set("displayName")} error={fields.displayName} />
        <Field label="Email" type="email" autoComplete="email" required value={form.email} onChange={set("email")} error={fields.email} />
        <Field
          label="Password"
          type="password"
          autoComplete="new-password"
          required
          minLength={10}
          maxLength={128}
          hint="At least 10 characters, not a well-known leaked password"
          value={form.password}
          onChange={set("password")}
          error={fields.password}
        />
        <ProblemAlert error={error} />
        <button type="submit" disabled={busy}>
          {busy ? "Creating your account…" : "Create account"}
        </button>
      </form>
      <p>
        Have an account? <Link to="/signin">Sign in</Link>.
      </p>
    </section>
  );
}
