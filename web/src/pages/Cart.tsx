import { useState } from "react";
import { Link } from "react-router";
import { must, type OrdersSchemas } from "../api/client";
import type { ApiError } from "../api/problem";
import { useApp } from "../app";
import { RequireSession, usePageTitle } from "../components/Layout";
import { Loading } from "../components/Loading";
import { ProblemAlert } from "../components/Problem";
import { useLoad } from "../load";
import { formatMoney } from "../money";

type Cart = OrdersSchemas["schemas"]["Cart"];
type Line = Cart["items"][number];

export function CartPage() {
  usePageTitle("Cart");
  return (
    <RequireSession>
      <CartView />
    </RequireSession>
  );
}

function CartView() {
  const { api } = useApp();
  const loaded = useLoad((signal) => must(api.GET("/v1/cart", { signal })), [api]);
  const [cart, setCart] = useState<Cart | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState("");
  const shown = cart ?? loaded.data;

  if (!shown) return loaded.state === "failed" ? <ProblemAlert error={loaded.error} onRetry={loaded.reload} /> : <Loading what="Loading your cart" />;

  const change = async (line: Line, quantity: number) => {
    setBusy(line.productId);
    setError(null);
    try {
      setCart(
        await must(
          quantity > 0
            ? api.PUT("/v1/cart/items/{productId}", { params: { path: { productId: line.productId } }, body: { quantity } })
            : api.DELETE("/v1/cart/items/{productId}", { params: { path: { productId: line.productId } } }),
        ),
      );
    } catch (err) {
      setError(err as ApiError);
    } finally {
      setBusy("");
    }
  };

  return (
    <section>
      <h1>Your cart</h1>
      <ProblemAlert error={error} />
      {shown.items.length === 0 ? (
        <p>
          Your cart is empty. <Link to="/">Browse the catalog</Link>.
        </p>
      ) : (
        <>
          <table className="lines">
            <caption className="visually-hidden">Products in your cart</caption>
            <thead>
              <tr>
                <th scope="col">Product</th>
                <th scope="col" className="num">
                  Price
                </th>
                <th scope="col">Quantity</th>
                <th scope="col" className="num">
                  Subtotal
                </th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {shown.items.map((l) => (
                <tr key={l.productId}>
                  <td>
                    <Link to={`/products/${l.productId}`}>{l.name}</Link>
                  </td>
                  <td className="num">{formatMoney(l.unitPrice)}</td>
                  <td>
                    <QuantityInput line={l} disabled={busy === l.productId} onChange={(q) => void change(l, q)} />
                  </td>
                  <td className="num">{formatMoney(l.subtotal)}</td>
                  <td>
                    <button
                      type="button"
                      className="danger"
                      disabled={busy === l.productId}
                      onClick={() => void change(l, 0)}
                      aria-label={`Remove ${l.name}`}
                    >
                      Remove
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
            {shown.total && (
              <tfoot>
                <tr>
                  <th scope="row" colSpan={3}>
                    Total
                  </th>
                  <td className="num total">{formatMoney(shown.total)}</td>
                  <td />
                </tr>
              </tfoot>
            )}
          </table>
          <p className="actions">
            <Link className="button" to="/checkout">
              Check out
            </Link>
          </p>
        </>
      )}
    </section>
  );
}

function QuantityInput({ line, disabled, onChange }: { line: Line; disabled: boolean; onChange: (q: number) => void }) {
  const [value, setValue] = useState(String(line.quantity));
  const commit = () => {
    const q = Math.max(1, Math.min(99, Math.trunc(Number(value)) || 1));
    setValue(String(q));
    if (q !== line.quantity) onChange(q);
  };
  return (
    <input
      type="number"
      className="qty"
      min={1}
      max={99}
      value={value}
      disabled={disabled}
      aria-label={`Quantity of ${line.name}`}
      onChange={(e) => setValue(e.target.value)}
      onBlur={commit}
      onKeyDown={(e) => {
        if (e.key === "Enter") commit();
      }}
    />
  );
}
