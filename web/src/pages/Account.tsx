import { useState } from "react";
import { etag, must, send, type AccountsSchemas } from "../api/client";
import { fieldErrors, type ApiError } from "../api/problem";
import { useApp } from "../app";
import { Field } from "../components/Field";
import { RequireSession, usePageTitle } from "../components/Layout";
import { Loading } from "../components/Loading";
import { ProblemAlert } from "../components/Problem";
import { useLoad } from "../load";

type Address = AccountsSchemas["schemas"]["Address"];
type AddressInput = AccountsSchemas["schemas"]["AddressInput"];

export function AccountPage() {
  usePageTitle("Your account");
  return (
    <RequireSession>
      <h1>Your account</h1>
      <Profile />
      <Addresses />
    </RequireSession>
  );
}

function Profile() {
  const { api } = useApp();
  const me = useLoad((signal) => send(api.GET("/v1/me", { signal })), [api]);
  const [draft, setDraft] = useState<{ email: string; displayName: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [saved, setSaved] = useState(false);

  if (!me.data) return me.state === "failed" ? <ProblemAlert error={me.error} onRetry={me.reload} /> : <Loading what="Loading your profile" />;
  const account = me.data.data;
  const form = draft ?? { email: account.email, displayName: account.displayName };
  const fields = fieldErrors(error?.problem);

  const save = async () => {
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      await must(api.PATCH("/v1/me", { params: { header: { "If-Match": etag(me.data as { response: Response }) } }, body: form }));
      setDraft(null);
      setSaved(true);
      me.reload();
    } catch (err) {
      setError(err as ApiError);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel" aria-labelledby="profile-h">
      <h2 id="profile-h">Profile</h2>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <Field label="Name" required value={form.displayName} onChange={(e) => setDraft({ ...form, displayName: e.target.value })} error={fields.displayName} />
        <Field label="Email" type="email" required value={form.email} onChange={(e) => setDraft({ ...form, email: e.target.value })} error={fields.email} />
        <p className="muted">Roles: {account.roles.join(", ")}</p>
        <ProblemAlert error={error} />
        <p role="status">{saved && "Saved."}</p>
        <button type="submit" disabled={busy || draft === null}>
          {busy ? "Saving…" : "Save profile"}
        </button>
      </form>
    </section>
  );
}

const blank: AddressInput = { name: "", lines: [""], city: "", postalCode: "", country: "" };

function Addresses() {
  const { api } = useApp();
  const list = useLoad((signal) => must(api.GET("/v1/me/addresses", { signal })), [api]);
  const [editing, setEditing] = useState<Address | "new" | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  const remove = async (a: Address) => {
    setError(null);
    try {
      await must(api.DELETE("/v1/me/addresses/{id}", { params: { path: { id: a.id } } }));
      list.reload();
    } catch (err) {
      setError(err as ApiError);
    }
  };

  return (
    <section className="panel" aria-labelledby="addresses-h">
      <h2 id="addresses-h">Addresses</h2>
      {list.state === "failed" && <ProblemAlert error={list.error} onRetry={list.reload} />}
      {!list.data && list.state === "loading" && <Loading what="Loading your addresses" />}
      <ProblemAlert error={error} />
      {list.data && list.data.items.length === 0 && <p>No addresses yet.</p>}
      <ul className="address-list">
        {list.data?.items.map((a) => (
          <li key={a.id}>
            <address>
              <strong>{a.name}</strong>, {a.lines.join(", ")}, {a.postalCode} {a.city}, {a.country}
            </address>
            <button type="button" className="secondary" onClick={() => setEditing(a)} aria-label={`Edit the address of ${a.name}, ${a.lines[0] ?? ""}`}>
              Edit
            </button>
            <button type="button" className="danger" onClick={() => void remove(a)} aria-label={`Delete the address of ${a.name}, ${a.lines[0] ?? ""}`}>
              Delete
            </button>
          </li>
        ))}
      </ul>
      {editing ? (
        <AddressForm
          key={editing === "new" ? "new" : editing.id}
          address={editing === "new" ? undefined : editing}
          onDone={() => {
            setEditing(null);
            list.reload();
          }}
          onCancel={() => setEditing(null)}
        />
      ) : (
        (list.data?.items.length ?? 0) < 10 && (
          <button type="button" onClick={() => setEditing("new")}>
            Add an address
          </button>
        )
      )}
    </section>
  );
}

function AddressForm({ address, onDone, onCancel }: { address?: Address; onDone: () => void; onCancel: () => void }) {
  const { api } = useApp();
  const [form, setForm] = useState<AddressInput>(
    address ? { name: address.name, lines: address.lines, city: address.city, postalCode: address.postalCode, country: address.country } : blank,
  );
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const fields = fieldErrors(error?.problem);

  const save = async () => {
    setBusy(true);
    setError(null);
    const body = { ...form, lines: form.lines.filter((l) => l.trim() !== ""), country: form.country.toUpperCase() };
    try {
      await must(
        address
          ? api.PUT("/v1/me/addresses/{id}", { params: { path: { id: address.id } }, body })
          : api.POST("/v1/me/addresses", { body }),
      );
      onDone();
    } catch (err) {
      setError(err as ApiError);
    } finally {
      setBusy(false);
    }
  };
  const line = (i: number) => (e: React.ChangeEvent<HTMLInputElement>) =>
    setForm((f) => {
      const lines = [...f.lines];
      lines[i] = e.target.value;
      return { ...f, lines };
    });

  return (
    <form
      className="address-form"
      aria-label={address ? "Edit address" : "New address"}
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <Field label="Full name" required value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} error={fields.name} />
      <Field label="Address" required value={form.lines[0] ?? ""} onChange={line(0)} error={fields["lines.0"] ?? fields.lines} />
      <Field label="Address line 2 (optional)" value={form.lines[1] ?? ""} onChange={line(1)} error={fields["lines.1"]} />
      <Field label="City" required value={form.city} onChange={(e) => setForm({ ...form, city: e.target.value })} error={fields.city} />
      <Field label="Postal code" required value={form.postalCode} onChange={(e) => setForm({ ...form, postalCode: e.target.value })} error={fields.postalCode} />
      <Field
        label="Country code"
        hint="Two letters, such as US or DE"
        required
        maxLength={2}
        value={form.country}
        onChange={(e) => setForm({ ...form, country: e.target.value })}
        error={fields.country}
      />
      <ProblemAlert error={error} />
      <div className="actions">
        <button type="submit" disabled={busy}>
          {busy ? "Saving…" : "Save address"}
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
