import { useId } from "react";
import { Link, useSearchParams } from "react-router";
import { must, type CatalogSchemas } from "../api/client";
import { useApp } from "../app";
import { usePageTitle } from "../components/Layout";
import { Loading } from "../components/Loading";
import { ProblemAlert } from "../components/Problem";
import { RatingLine } from "../components/Rating";
import { useLoad } from "../load";
import { formatMoney } from "../money";

type Product = CatalogSchemas["schemas"]["Product"];

export const pageSize = 12;

export function Catalog() {
  const { api } = useApp();
  const [params, setParams] = useSearchParams();
  const q = params.get("q") ?? "";
  const category = params.get("category") ?? "";
  const cursor = params.get("cursor") ?? "";
  const searchId = useId();
  usePageTitle(q ? `Search: ${q}` : "Catalog");

  const categories = useLoad((signal) => must(api.GET("/v1/categories", { signal })), [api]);
  const page = useLoad(
    (signal) =>
      must(
        api.GET("/v1/products", {
          params: {
            query: { limit: pageSize, ...(q ? { q } : {}), ...(category ? { category } : {}), ...(cursor ? { cursor } : {}) },
          },
          signal,
        }),
      ),
    [api, q, category, cursor],
  );

  const update = (next: Record<string, string>) => {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries({ q, category, ...next })) if (v) p.set(k, v);
    setParams(p);
  };

  return (
    <section aria-labelledby={`${searchId}-h`}>
      <h1 id={`${searchId}-h`}>{q ? `Results for “${q}”` : "Catalog"}</h1>
      <form
        role="search"
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          const data = new FormData(e.currentTarget);
          const text = (name: string) => {
            const v = data.get(name);
            return typeof v === "string" ? v.trim() : "";
          };
          update({ q: text("q"), category: text("category") });
        }}
      >
        <div className="field">
          <label htmlFor={`${searchId}-q`}>Search</label>
          <input id={`${searchId}-q`} name="q" type="search" defaultValue={q} key={q} maxLength={200} />
        </div>
        <div className="field">
          <label htmlFor={`${searchId}-c`}>Category</label>
          <select
            id={`${searchId}-c`}
            name="category"
            value={category}
            onChange={(e) => update({ category: e.target.value })}
          >
            <option value="">All categories</option>
            {categories.data?.items.map((c) => (
              <option key={c.slug} value={c.slug}>
                {c.name}
              </option>
            ))}
          </select>
        </div>
        <button type="submit">Search</button>
      </form>
      <ProblemAlert error={categories.error} />
      {page.state === "failed" && <ProblemAlert error={page.error} onRetry={page.reload} />}
      {page.state === "loading" && !page.data && <Loading what="Loading products" />}
      {page.data && (
        <>
          {page.data.items.length === 0 ? (
            <p>No products match.</p>
          ) : (
            <ul className="product-grid" aria-busy={page.state === "loading"}>
              {page.data.items.map((p) => (
                <ProductCard key={p.id} product={p} />
              ))}
            </ul>
          )}
          <nav className="pager" aria-label="Pages">
            {cursor && (
              <Link to={`/?${new URLSearchParams({ ...(q ? { q } : {}), ...(category ? { category } : {}) })}`}>First page</Link>
            )}
            {page.data.nextCursor && (
              <Link
                to={`/?${new URLSearchParams({ ...(q ? { q } : {}), ...(category ? { category } : {}), cursor: page.data.nextCursor })}`}
              >
                Next page
              </Link>
            )}
          </nav>
        </>
      )}
    </section>
  );
}

function ProductCard({ product }: { product: Product }) {
  // The product document carries its rating: no call to reviews per card.
  return (
    <li className="card">
      <h2>
        <Link to={`/products/${product.id}`}>{product.name}</Link>
      </h2>
      <p className="price">{formatMoney(product.price)}</p>
      <p className="muted">{product.category}</p>
      <RatingLine rating={product.rating} />
      <p className={product.stock > 0 ? "stock" : "stock out"}>{product.stock > 0 ? "In stock" : "Out of stock"}</p>
    </li>
  );
}
