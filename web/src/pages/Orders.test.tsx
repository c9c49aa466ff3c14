import { screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { fakeToken, json, renderAt } from "../testing";

const order = (status: string, version: number) => ({
  id: "0190f1c2-0000-7000-8000-00000000abcd",
  status,
  items: [
    { productId: "p1", name: "Walnut board", unitPrice: { amount: 4500, currency: "USD" }, quantity: 2, subtotal: { amount: 9000, currency: "USD" } },
  ],
  total: { amount: 9000, currency: "USD" },
  shippingAddress: { name: "Ann", line1: "1 Main St", city: "Springfield", postalCode: "12345", country: "US" },
  placedAt: "2026-01-01T00:00:00Z",
  updatedAt: "2026-01-01T00:00:00Z",
  version,
});

describe("order detail", () => {
  it("polls a pending order until it is confirmed", async () => {
    let reads = 0;
    const { seen } = renderAt(
      "/orders/0190f1c2-0000-7000-8000-00000000abcd",
      (req) => {
        if (new URL(req.url).pathname.startsWith("/v1/orders/")) return json(++reads < 2 ? order("pending", 1) : order("confirmed", 2));
        return undefined;
      },
      fakeToken({ sub: "c1", name: "Ann", roles: ["customer"] }),
    );
    await screen.findByText("Pending");
    expect(screen.getByRole("button", { name: "Cancel order" })).toBeTruthy();
    await screen.findByText("Confirmed", {}, { timeout: 5000 });
    expect(screen.queryByRole("button", { name: "Cancel order" })).toBeNull();
    expect(screen.getByText("$90.00", { selector: ".total" })).toBeTruthy();
    expect(seen[0]?.headers.get("Authorization")).toMatch(/^Bearer /);
  });

  it("asks to sign in without a session", async () => {
    renderAt("/orders", () => undefined);
    expect(await screen.findByRole("heading", { name: "Please sign in" })).toBeTruthy();
  });
});
