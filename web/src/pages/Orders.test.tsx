import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { outcome, StatusBadge } from "../components/OrderStatus";
import { fakeToken, json, problem, renderAt } from "../testing";

const id = "0190f1c2-0000-7000-8000-00000000abcd";
const order = (status: string, version: number, cancellation?: { reason: string; stockReason?: string }) => ({
  id,
  status,
  ...(cancellation && { cancellation }),
  items: [
    { productId: "p1", name: "Walnut board", unitPrice: { amount: 4500, currency: "USD" }, quantity: 2, subtotal: { amount: 9000, currency: "USD" } },
  ],
  total: { amount: 9000, currency: "USD" },
  shippingAddress: { name: "Ann", line1: "1 Main St", city: "Springfield", postalCode: "12345", country: "US" },
  placedAt: "2026-01-01T00:00:00Z",
  updatedAt: "2026-01-01T00:00:00Z",
  version,
});
const customer = fakeToken({ sub: "c1", name: "Ann", roles: ["customer"] });
const isOrder = (req: Request) => req.method === "GET" && new URL(req.url).pathname === `/v1/orders/${id}`;
const isCancel = (req: Request) => req.method === "POST" && new URL(req.url).pathname === `/v1/orders/${id}/cancel`;

describe("status badge", () => {
  it("says the status in words, with a mark that is not read out", () => {
    for (const [status, text] of [
      ["pending", "Pending"],
      ["confirmed", "Confirmed"],
      ["cancelled", "Cancelled"],
    ] as const) {
      const { container, unmount } = render(<StatusBadge status={status} />);
      const badge = container.querySelector(".status") as HTMLElement;
      expect(badge.className).toContain(`status-${status}`);
      expect(within(badge).getByText(text)).toBeTruthy();
      const mark = badge.querySelector("[aria-hidden='true']");
      expect(mark?.textContent).not.toBe("");
      expect(badge.textContent).toBe(`${mark?.textContent ?? ""}${text}`);
      unmount();
    }
  });
});

describe("outcome", () => {
  const generic = "This order was cancelled. If you did not cancel it, some of its products were out of stock.";
  it.each([
    ["a pending order", order("pending", 1), "We are confirming your order…"],
    ["a confirmed order", order("confirmed", 2), "Your order is confirmed."],
    ["an order its customer cancelled", order("cancelled", 2, { reason: "customer" }), "You cancelled this order."],
    ["an order short of stock", order("cancelled", 2, { reason: "stock_rejected", stockReason: "insufficient_stock" }), "Cancelled: not enough stock."],
    ["an order of an archived product", order("cancelled", 2, { reason: "stock_rejected", stockReason: "product_unavailable" }), "Cancelled: a product is no longer sold."],
    ["an order of a product catalog does not know", order("cancelled", 2, { reason: "stock_rejected", stockReason: "unknown_product" }), "Cancelled: a product is no longer sold."],
    ["a rejection without catalog's reason", order("cancelled", 2, { reason: "stock_rejected" }), "Cancelled: its products could not be reserved."],
    ["an order cancelled before orders said why", order("cancelled", 2), generic],
  ])("says where %s stands", (_, o, want) => {
    expect(outcome(o as Parameters<typeof outcome>[0])).toBe(want);
  });
});

describe("order detail", () => {
  it("reads a pending order again until it is confirmed", async () => {
    let reads = 0;
    const { seen } = renderAt(`/orders/${id}`, (req) => (isOrder(req) ? json(++reads < 3 ? order("pending", 1) : order("confirmed", 2)) : undefined), customer);
    await screen.findByText("Pending");
    expect(screen.getByText("We are confirming your order…")).toBeTruthy();
    await screen.findByText("Your order is confirmed.", {}, { timeout: 5000 });
    expect(screen.getByText("Confirmed")).toBeTruthy();
    expect(screen.getByText("$90.00", { selector: ".total" })).toBeTruthy();
    expect(seen[0]?.headers.get("Authorization")).toMatch(/^Bearer /);
    expect(reads).toBe(3);
  });

  it("says an order was cancelled without a reason when orders gives none, and offers no cancel", async () => {
    renderAt(`/orders/${id}`, (req) => (isOrder(req) ? json(order("cancelled", 2)) : undefined), customer);
    await screen.findByText(/^This order was cancelled\./);
    expect(screen.getByText("Cancelled")).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Cancel order" })).toBeNull();
  });

  it("says catalog cancelled an order for want of stock", async () => {
    const rejected = order("cancelled", 2, { reason: "stock_rejected", stockReason: "insufficient_stock" });
    renderAt(`/orders/${id}`, (req) => (isOrder(req) ? json(rejected) : undefined), customer);
    await screen.findByText("Cancelled: not enough stock.");
    expect(screen.getByText("Cancelled")).toBeTruthy();
    expect(screen.queryByText(/^This order was cancelled/)).toBeNull();
    expect(screen.queryByRole("button", { name: "Cancel order" })).toBeNull();
  });

  it("cancels a confirmed order after asking", async () => {
    const { seen } = renderAt(
      `/orders/${id}`,
      (req) => {
        if (isOrder(req)) return json(order("confirmed", 2));
        if (isCancel(req)) return json(order("cancelled", 3, { reason: "customer" }));
        return undefined;
      },
      customer,
    );
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: "Cancel order" }));
    const ask = screen.getByRole("group", { name: /Cancel this order\?/ });
    expect(within(ask).getByText(/Its items go back into stock/)).toBeTruthy();
    await user.click(within(ask).getByRole("button", { name: "Keep the order" }));
    expect(seen.some(isCancel)).toBe(false);
    expect(screen.queryByRole("group", { name: /Cancel this order\?/ })).toBeNull();

    await user.click(screen.getByRole("button", { name: "Cancel order" }));
    await user.click(screen.getByRole("button", { name: "Yes, cancel the order" }));
    await screen.findByText("Cancelled");
    expect(screen.getByText("You cancelled this order.")).toBeTruthy();
    expect(seen.filter(isCancel)).toHaveLength(1);
    expect(screen.queryByRole("button", { name: "Cancel order" })).toBeNull();
  });

  it("shows the API's problem when the cancel conflicts, and the order as it now is", async () => {
    let cancelled = false;
    renderAt(
      `/orders/${id}`,
      (req) => {
        if (isOrder(req)) return json(cancelled ? order("cancelled", 3, { reason: "customer" }) : order("confirmed", 2));
        if (isCancel(req)) {
          cancelled = true;
          return problem(409, "Conflict", { detail: "order is already cancelled", requestId: "req-9" });
        }
        return undefined;
      },
      customer,
    );
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: "Cancel order" }));
    await user.click(screen.getByRole("button", { name: "Yes, cancel the order" }));
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("order is already cancelled");
    expect(alert.textContent).toContain("409");
    expect(alert.textContent).toContain("req-9");
    await screen.findByText("You cancelled this order.");
    await waitFor(() => expect(screen.queryByRole("button", { name: "Cancel order" })).toBeNull());
  });

  it("asks to sign in without a session", async () => {
    renderAt("/orders", () => undefined);
    expect(await screen.findByRole("heading", { name: "Please sign in" })).toBeTruthy();
  });
});
