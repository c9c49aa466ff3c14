import { useState } from "react";
import { Link, useSearchParams } from "react-router";
import { must, type CatalogSchemas } from "../api/client";
import { fieldErrors, type ApiError } from "../api/problem";
import { useApp } from "../app";
import { Field } from "../components/Field";
import { RequireSession, usePageTitle } from "../components/Layout";
import { Loading } from "../components/Loading";
import { ProblemAlert } from "../components/Problem";
import { useLoad } from "../load";
import { formatMoney, toMajor, toMinor } from "../money";

type Product = CatalogSchemas["schemas"]["Product"];

export function AdminPage() {
  usePageTitle("Admin");
  return (
    <RequireSession needs="admin">
      <Admin />
    </RequireSession>
  );
}

function Admin() {
  const { api } = useApp();
  const [params] = useSearchParams();
  const cursor = params.get("cursor") ?? "";
  const page = useLoad(
    // Revalidated: the public list may be cached for a minute, the admin must see their changes.
    (signal) => must(api.GET("/v1/products", { params: { query: { limit: 20, ...(cursor ? { cursor } : {}) } }, signal, cache: "no-cache" })),
    [api, cursor],
  );
  const categories = useLoad((signal) => must(api.GET("/v1/categories", { signal })), [api]);
  const [editing, setEditing] = useState<Product | "new" | null>(null);
  const [notice, setNotice] = useState("");

  return (
    <section>
      <h1>Products</h1>
      <p role="status" className="notice-slot">
        {notice}
      </p>
      {editing ? (
        <ProductForm
          key={editing === "new" ? "new" : editing.id}
          product={editing === "new" ? undefined : editing}
          categories={categories.data?.items ?? []}
          onDone={(p) => {
            setEditing(null);
            setNotice(`Saved ${p.name}.`);
            page.reload();
          }}
          onCancel={() => setEditing(null)}
        />
      ) : (
        <button type="button" onClick={() => setEditing("new")}>
          New product
        </button>
      )}
      {page.state === "failed" && <ProblemAlert error={page.error} onRetry={page.reload} />}
      {!page.data && page.state === "loading" && <Loading what="Loading products" />}
      {page.data && (
        <table className="lines admin-table">
          <caption className="visually-hidden">Active products, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Product</th>
              <th scope="col">SKU</th>
              <th scope="col" className="num">
                Price
              </th>
              <th scope="col" className="num">
                Stock
              </th>
              <th scope="col">Adjust stock</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {page.data.items.map((p) => (
              <tr key={p.id}>
                <td>
                  <Link to={`/products/${p.id}`}>{p.name}</Link>
                </td>
                <td>{p.sku}</td>
                <td className="num">{formatMoney(p.price)}</td>
                <td className="num">{p.stock}</td>
                <td>
                  <StockAdjuster product={p} onDone={(n) => (setNotice(`${n.name}: ${n.stock} in stock.`), page.reload())} />
                </td>
                <td>
                  <button type="button" className="secondary" onClick={() => setEditing(p)} aria-label={`Edit ${p.name}`}>
                    Edit
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <nav className="pager" aria-label="Pages">
        {cursor && <Link to="/admin">First page</Link>}
        {page.data?.nextCursor && <Link to={`/admin?cursor=${encodeURIComponent(page.data.nextCursor)}`}>Next page</Link>}
      </nav>
    </section>
  );
}

function StockAdjuster({ product, onDone }: { product: Product; onDone: (p: Product) => void }) {
  const { api } = useApp();
  const [delta, setDelta] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const submit = async () => {
    const d = Number(delta);
    if (!Number.isInteger(d) || d === 0) return;
    setBusy(true);
    setError(null);
    try {
      onDone(await must(api.POST("/v1/products/{id}/stock-adjustments", { params: { path: { id: product.id } }, body: { delta: d } })));
      setDelta("");
    } catch (err) {
      setError(err as ApiError);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      className="inline-form"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <input
        type="number"
        step={1}
        className="qty"
        value={delta}
        placeholder="±0"
        aria-label={`Stock change for ${product.name}`}
        onChange={(e) => setDelta(e.target.value)}
      />
      <button type="submit" className="secondary" disabled={busy} aria-label={`Apply the stock change to ${product.name}`}>
        Apply
      </button>
      <ProblemAlert error={error} />
    </form>
  );
}

function ProductForm({
  product,
  categories,
  onDone,
  onCancel,
}: {
  product?: Product;
  categories: readonly { slug: string; name: string }[];
  onDone: (p: Product) => void;
  onCancel: () => void;
}) {
  const { api } = useApp();
  const [form, setForm] = useState({
    sku: product?.sku ?? "",
    name: product?.name ?? "",
    description: product?.description ?? "",
    price: product ? toMajor(product.price.amount, product.price.currency) : "",
    currency: product?.price.currency ?? "USD",
    category: product?.category ?? categories[0]?.slug ?? "",
    stock: String(product?.stock ?? 0),
  });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [priceError, setPriceError] = useState("");
  const fields = fieldErrors(error?.problem);
  const set = (k: keyof typeof form) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>) =>
    setForm((f) => ({ ...f, [k]: e.target.value }));

  const save = async () => {
    const amount = toMinor(form.price, form.currency);
    if (amount === null) {
      setPriceError("Enter a price such as 12.99");
      return;
    }
    setPriceError("");
    setBusy(true);
    setError(null);
    const price = { amount, currency: form.currency.toUpperCase() };
    try {
      const saved = product
        ? await must(
            api.PATCH("/v1/products/{id}", {
              params: { path: { id: product.id }, header: { "If-Match": `"${product.version}"` } },
              body: { name: form.name, description: form.description, price, category: form.category },
            }),
          )
        : await must(
            api.POST("/v1/products", {
              body: { sku: form.sku, name: form.name, description: form.description, price, category: form.category, stock: Number(form.stock) || 0 },
            }),
          );
      onDone(saved);
    } catch (err) {
      setError(err as ApiError);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="panel product-form"
      aria-label={product ? `Edit ${product.name}` : "New product"}
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <h2>{product ? `Edit ${product.name}` : "New product"}</h2>
      {!product && <Field label="SKU" required hint="Capitals, digits and dashes, such as MUG-042" value={form.sku} onChange={set("sku")} error={fields.sku} />}
      <Field label="Name" required maxLength={200} value={form.name} onChange={set("name")} error={fields.name} />
      <div className="field">
        <label htmlFor="product-description">Description</label>
        <textarea id="product-description" rows={3} maxLength={5000} value={form.description} onChange={set("description")} />
      </div>
      <Field label="Price" required inputMode="decimal" value={form.price} onChange={set("price")} error={priceError || fields["price.amount"]} />
      <Field label="Currency" required maxLength={3} value={form.currency} onChange={set("currency")} error={fields["price.currency"]} />
      <div className="field">
        <label htmlFor="product-category">Category</label>
        <select id="product-category" value={form.category} onChange={set("category")}>
          {categories.map((c) => (
            <option key={c.slug} value={c.slug}>
              {c.name}
            </option>
          ))}
        </select>
        {fields.category && <small className="field-error">{fields.category}</small>}
      </div>
      {!product && <Field label="Stock" type="number" min={0} value={form.stock} onChange={set("stock")} error={fields.stock} />}
      {product?.stock !== undefined && <p className="muted">Stock is changed with adjustments, so that concurrent changes add up.</p>}
      <ProblemAlert error={error} />
      <div className="actions">
        <button type="submit" disabled={busy}>
          {busy ? "Saving…" : "Save product"}
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
