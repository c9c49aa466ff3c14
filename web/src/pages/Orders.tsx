import { useCallback, useEffect, useId, useRef, useState } from "react";
import { Link, useLocation, useParams, useSearchParams } from "react-router";
import { must, type Api, type OrdersSchemas } from "../api/client";
import type { ApiError } from "../api/problem";
import { useApp } from "../app";
import { RequireSession, usePageTitle } from "../components/Layout";
import { Loading } from "../components/Loading";
import { outcome, StatusBadge, type Status } from "../components/OrderStatus";
import { ProblemAlert } from "../components/Problem";
import { useLoad } from "../load";
import { formatMoney } from "../money";
import { poll } from "../poll";

type Order = OrdersSchemas["schemas"]["Order"];

/** The statuses from which a customer may cancel (docs/events.md, the order saga). */
const cancellableStatuses: readonly Status[] = ["pending", "confirmed"];

/**
 * pollOrder reads an order again with backoff (poll.ts) until it is no
 * longer pending, and returns what stops it.
 */
function pollOrder(api: Api, id: string, onValue: (o: Order) => void, onGiveUp: () => void) {
  return poll({
    read: (signal) => must(api.GET("/v1/orders/{id}", { params: { path: { id } }, signal })),
    settled: (o) => o.status !== "pending",
    onValue,
    onGiveUp,
  });
}

/**
 * newest is the later of two reads of order id (by version): a read that
 * overtook a later one, such as a poll answering after the cancel did, never
 * takes the order back. A read of another order (the address changed) is
 * ignored.
 */
function newest(id: string, a: Order | undefined, b: Order | undefined): Order | undefined {
  if (!a || a.id !== id) return b?.id === id ? b : undefined;
  if (!b || b.id !== id) return a;
  return a.version >= b.version ? a : b;
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
  const [latest, setLatest] = useState<Order>();
  const [gaveUp, setGaveUp] = useState(false);
  const [round, setRound] = useState(0);
  const [confirming, setConfirming] = useState(false);
  const [cancelling, setCancelling] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const question = useRef<HTMLParagraphElement>(null);

  const qId = useId();
  const shown = newest(id, latest, order.data);
  const keep = useCallback((o: Order) => setLatest((prev) => newest(id, o, prev)), [id]);

  // A pending order is read again, politely (pollOrder), until it is
  // confirmed or cancelled; "Check again" starts another round.
  const pending = shown?.status === "pending";
  useEffect(() => {
    if (!pending) return;
    return pollOrder(api, id, keep, () => setGaveUp(true));
  }, [api, id, pending, round, keep]);

  useEffect(() => {
    if (confirming) question.current?.focus();
  }, [confirming]);

  if (!shown) return order.state === "failed" ? <ProblemAlert error={order.error} onRetry={order.reload} /> : <Loading what="Loading the order" />;

  const cancel = async () => {
    setCancelling(true);
    setError(null);
    try {
      keep(await must(api.POST("/v1/orders/{id}/cancel", { params: { path: { id } } })));
    } catch (err) {
      setError(err as ApiError);
      order.reload(); // the order changed meanwhile: show it as it is now
    } finally {
      setCancelling(false);
      setConfirming(false);
    }
  };
  const cancellable = cancellableStatuses.includes(shown.status);

  const a = shown.shippingAddress;
  return (
    <section>
      <p className="breadcrumb">
        <Link to="/orders">Your orders</Link>
      </p>
      <h1>Order {shown.id.slice(-8)}</h1>
      {justPlaced && <p className="notice">Thank you! Your order was placed.</p>}
      <div role="status" aria-live="polite">
        <p className="order-status">
          Status: <StatusBadge status={shown.status} />
        </p>
        <p className={`order-outcome outcome-${shown.status}`}>{outcome(shown)}</p>
        {pending && gaveUp && <p>This is taking longer than usual. Your order is safe; we will confirm it as soon as we can.</p>}
      </div>
      {pending && gaveUp && (
        <button type="button" className="secondary" onClick={() => {
            setGaveUp(false);
            setRound((r) => r + 1);
          }}>
          Check again
        </button>
      )}
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
      {cancellable &&
        (confirming ? (
          <div className="panel confirm" role="group" aria-labelledby={qId}>
            <p id={qId} ref={question} tabIndex={-1}>
              <strong>Cancel this order?</strong>{" "}
              {shown.status === "confirmed" ? "Its items go back into stock." : "It will not be confirmed."} This cannot be undone.
            </p>
            <div className="actions">
              <button type="button" className="danger" onClick={() => void cancel()} disabled={cancelling}>
                {cancelling ? "Cancelling…" : "Yes, cancel the order"}
              </button>
              <button type="button" className="secondary" onClick={() => setConfirming(false)} disabled={cancelling}>
                Keep the order
              </button>
            </div>
          </div>
        ) : (
          <button type="button" className="danger" onClick={() => setConfirming(true)}>
            Cancel order
          </button>
        ))}
    </section>
  );
}
