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

/** The reasons orders gives for a cancellation, in the customer's words. */
const reasons: Record<string, string> = {
  stock_rejected: "not enough stock",
  customer: "cancelled at your request",
};

/**
 * cancelReason is why an order was cancelled, in words, when the API says
 * (the order's `cancellationReason`, or `reason`), else undefined.
 */
export function cancelReason(order: Order): string | undefined {
  const o = order as Order & { cancellationReason?: unknown; reason?: unknown };
  const r = typeof o.cancellationReason === "string" ? o.cancellationReason : typeof o.reason === "string" ? o.reason : undefined;
  if (r === undefined) return undefined;
  return reasons[r] ?? r.replaceAll("_", " ");
}

/** outcome says in a sentence where an order stands. */
export function outcome(order: Order): string {
  switch (order.status) {
    case "pending":
      return "We are confirming your order…";
    case "confirmed":
      return "Your order is confirmed.";
    case "cancelled": {
      const why = cancelReason(order);
      return why ? `This order was cancelled: ${why}.` : "This order was cancelled.";
    }
  }
}
