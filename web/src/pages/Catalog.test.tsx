import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { json, problem, renderAt } from "../testing";

const product = (id: string, name: string, amount: number, rating = { count: 0, average: 0 }) => ({
  id,
  sku: `SKU-${id}`,
  name,
  description: "",
  price: { amount, currency: "USD" },
  category: "kitchen",
  stock: 3,
  status: "active",
  version: 1,
  rating,
  createdAt: "2026-01-01T00:00:00Z",
  updatedAt: "2026-01-01T00:00:00Z",
});

describe("catalog", () => {
  it("lists products with prices in major units and ratings, and pages on", async () => {
    const { seen } = renderAt("/", (req) => {
      const url = new URL(req.url);
      if (url.pathname === "/v1/categories") return json({ items: [{ slug: "kitchen", name: "Kitchen" }] });
      if (url.pathname === "/v1/products")
        return json({ items: [product("p1", "Walnut board", 4500, { count: 12, average: 4.5 }), product("p2", "Oak spoon", 900)], nextCursor: "c2" });
      return undefined;
    });
    const card = (await screen.findByRole("link", { name: "Walnut board" })).closest("li");
    expect(card).not.toBeNull();
    expect(within(card as HTMLElement).getByText("$45.00")).toBeTruthy();
    expect(within(card as HTMLElement).getByRole("img", { name: "4.5 out of 5, 12 reviews" })).toBeTruthy();
    const other = screen.getByRole("link", { name: "Oak spoon" }).closest("li") as HTMLElement;
    expect(within(other).getByText("No reviews yet")).toBeTruthy();
    // The ratings come with the products: no call to reviews per card.
    expect(seen.some((r) => new URL(r.url).pathname.endsWith("/rating"))).toBe(false);
    expect(screen.getByRole("link", { name: "Next page" }).getAttribute("href")).toBe("/?cursor=c2");
    expect(seen.some((r) => new URL(r.url).searchParams.get("limit") === "12")).toBe(true);
  });

  it("searches within a category through the address", async () => {
    const { router, seen } = renderAt("/", (req) => {
      const url = new URL(req.url);
      if (url.pathname === "/v1/categories") return json({ items: [{ slug: "kitchen", name: "Kitchen" }] });
      if (url.pathname === "/v1/products") return json({ items: [] });
      return undefined;
    });
    const user = userEvent.setup();
    await screen.findByRole("option", { name: "Kitchen" });
    await user.selectOptions(screen.getByLabelText("Category"), "kitchen");
    await user.type(screen.getByRole("searchbox", { name: "Search" }), "walnut{Enter}");
    await waitFor(() => expect(router.state.location.search).toBe("?q=walnut&category=kitchen"));
    await screen.findByText("No products match.");
    const last = new URL(seen.filter((r) => r.url.includes("/v1/products")).at(-1)?.url ?? "");
    expect(last.searchParams.get("q")).toBe("walnut");
    expect(last.searchParams.get("category")).toBe("kitchen");
  });

  it("shows a problem readably, with its request id, and retries", async () => {
    let calls = 0;
    renderAt("/", (req) => {
      const url = new URL(req.url);
      if (url.pathname === "/v1/categories") return json({ items: [] });
      if (url.pathname === "/v1/products")
        return ++calls === 1 ? problem(400, "Bad request", { detail: "limit is out of range", requestId: "req-42" }) : json({ items: [] });
      return undefined;
    });
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("Bad request");
    expect(alert.textContent).toContain("limit is out of range");
    expect(alert.textContent).toContain("req-42");
    await userEvent.click(within(alert).getByRole("button", { name: "Try again" }));
    await screen.findByText("No products match.");
  });
});
