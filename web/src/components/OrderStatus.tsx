import type { OrdersSchemas } from "../api/client";

type Order = OrdersSchemas["schemas"]["Order"];
export type Status = OrdersSchemas["schemas"]["OrderStatus"];

const badge: Record<Status, { text: string; mark: string }> = {
  pending: { text: "Pending", mark: "◷" },
  confirmed: { text: "Confirmed", mark: "✓" },
  cancelled: { text: "Cancelled", mark: "✕" },
};

/**
 * StatusBadge is an order's status in words, with a mark beside them, so
 * that it never depends on its colour alone.
 */
export function StatusBadge({ status }: { status: Status }) {
  const b = badge[status];
  return (
    <span className={`status status-${status}`}>
      <span aria-hidden="true" className="status-mark">
        {b.mark}
      </span>
      <span className="status-text">{b.text}</span>
    </span>
  );
}

/** outcome says in a sentence where an order stands, and why a cancelled order was cancelled. */
export function outcome(order: Order): string {
  switch (order.status) {
    case "pending":
      return "We are confirming your order…";
    case "confirmed":
      return "Your order is confirmed.";
    case "cancelled":
      return cancelled(order.cancellation);
  }
}

function cancelled(c: Order["cancellation"]): string {
  if (c?.reason === "customer") return "You cancelled this order.";
  if (c?.reason === "stock_rejected") {
    switch (c.stockReason) {
      case "insufficient_stock":
        return "Cancelled: not enough stock.";
      case "product_unavailable":
      case "unknown_product":
        return "Cancelled: a product is no longer sold.";
      default:
        return "Cancelled: its products could not be reserved.";
    }
  }
  // An order cancelled before orders recorded why: its customer cancelled
  // it, or catalog could not reserve its stock.
  return "This order was cancelled. If you did not cancel it, some of its products were out of stock.";
}
