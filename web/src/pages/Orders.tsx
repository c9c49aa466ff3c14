import { useEffect, useState } from "react";
import { Link, useLocation, useParams, useSearchParams } from "react-router";
import { must } from "../api/client";
import type { ApiError } from "../api/problem";
import { useApp } from "../app";
import { RequireSession, usePageTitle } from "../components/Layout";
import { Loading } from "../components/Loading";
import { ProblemAlert } from "../components/Problem";
import { useLoad } from "../load";
import { formatMoney } from "../money";

/** How often a pending order is read again. */
export const pollMs = 1500;

const statusText = { pending: "Pending", confirmed: "Confirmed", cancelled: "Cancelled" } as const;

export function StatusBadge({ status }: { status: keyof typeof statusText }) {
  return <span className={`status status-${status}`}>{statusText[status]}</span>;
}

export function OrdersPage() {
  usePageTitle("Your orders");
  return (
    <RequireSession>
      <OrderList />
    </RequireSession>
  );
}

function OrderList() {
  const { api } = useApp();
  const [params] = useSearchParams();
  const cursor = params.get("cursor") ?? "";
  const page = useLoad(
    (signal) => must(api.GET("/v1/orders", { params: { query: { limit: 10, ...(cursor ? { cursor } : {}) } }, signal })),
    [api, cursor],
  );
  return (
    <section>
      <h1>Your orders</h1>
      {page.state === "failed" && <ProblemAlert error={page.error} onRetry={page.reload} />}
      {!page.data && page.state === "loading" && <Loading what="Loading your orders" />}
      {page.data &&
        (page.data.items.length === 0 ? (
          <p>
            No orders yet. <Link to="/">Browse the catalog</Link>.
          </p>
        ) : (
          <table className="lines">
            <caption className="visually-hidden">Your orders, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Order</th>
                <th scope="col">Placed</th>
                <th scope="col">Status</th>
                <th scope="col" className="num">
                  Items
                </th>
                <th scope="col" className="num">
                  Total
                </th>
              </tr>
            </thead>
            <tbody>
              {page.data.items.map((o) => (
                <tr key={o.id}>
                  <td>
                    <Link to={`/orders/${o.id}`}>Order {o.id.slice(-8)}</Link>
                  </td>
                  <td>
                    <time dateTime={o.placedAt}>{new Date(o.placedAt).toLocaleString()}</time>
                  </td>
                  <td>
                    <StatusBadge status={o.status} />
                  </td>
                  <td className="num">{o.itemCount}</td>
                  <td className="num">{formatMoney(o.total)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}
      <nav className="pager" aria-label="Pages">
        {cursor && <Link to="/orders">Newest orders</Link>}
        {page.data?.nextCursor && <Link to={`/orders?cursor=${encodeURIComponent(page.data.nextCursor)}`}>Older orders</Link>}
      </nav>
    </section>
  );
}

export function OrderPage() {
  usePageTitle("Order");
  return (
    <RequireSession>
      <OrderDetail />
    </RequireSession>
  );
}

function OrderDetail() {
  const { id = "" } = useParams();
  const { api } = useApp();
  const location = useLocation();
  const justPlaced = (location.state as { placed?: boolean } | null)?.placed ?? false;
  const order = useLoad((signal) => must(api.GET("/v1/orders/{id}", { params: { path: { id } }, signal })), [api, id]);
  const [cancelling, setCancelling] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [override, setOverride] = useState<typeof order.data>();
  const shown = override ?? order.data;
  const { reload } = order;

  // A pending order is read again until it is confirmed or cancelled.
  const pending = shown?.status === "pending" && order.state !== "loading";
  useEffect(() => {
    if (!pending) return;
    const t = setTimeout(() => {
      setOverride(undefined);
      reload();
    }, pollMs);
    return () => clearTimeout(t);
  }, [pending, reload, shown?.version]);

  if (!shown) return order.state === "failed" ? <ProblemAlert error={order.error} onRetry={order.reload} /> : <Loading what="Loading the order" />;

  const cancel = async () => {
    setCancelling(true);
    setError(null);
    try {
      setOverride(await must(api.POST("/v1/orders/{id}/cancel", { params: { path: { id } } })));
    } catch (err) {
      setError(err as ApiError);
      reload();
    } finally {
      setCancelling(false);
    }
  };

  const a = shown.shippingAddress;
  return (
    <section>
      <p className="breadcrumb">
        <Link to="/orders">Your orders</Link>
      </p>
      <h1>Order {shown.id.slice(-8)}</h1>
      {justPlaced && <p className="notice">Thank you! Your order was placed.</p>}
      <p role="status" aria-live="polite" className="order-status">
        Status: <StatusBadge status={shown.status} />
        {shown.status === "pending" && <span className="muted"> — we are confirming your order…</span>}
      </p>
      <table className="lines">
        <caption className="visually-hidden">Products in this order</caption>
        <thead>
          <tr>
            <th scope="col">Product</th>
            <th scope="col" className="num">
              Price
            </th>
            <th scope="col" className="num">
              Quantity
            </th>
            <th scope="col" className="num">
              Subtotal
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
              <td className="num">{l.quantity}</td>
              <td className="num">{formatMoney(l.subtotal)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row" colSpan={3}>
              Total
            </th>
            <td className="num total">{formatMoney(shown.total)}</td>
          </tr>
        </tfoot>
      </table>
      <h2>Shipping to</h2>
      <address>
        {a.name}
        <br />
        {a.line1}
        {a.line2 && (
          <>
            <br />
            {a.line2}
          </>
        )}
        <br />
        {a.postalCode} {a.city}
        <br />
        {a.country}
      </address>
      <p className="muted">
        Placed <time dateTime={shown.placedAt}>{new Date(shown.placedAt).toLocaleString()}</time>
      </p>
      <ProblemAlert error={error} />
      {shown.status === "pending" && (
        <button type="button" className="danger" onClick={() => void cancel()} disabled={cancelling}>
          {cancelling ? "Cancelling…" : "Cancel order"}
        </button>
      )}
    </section>
  );
}
