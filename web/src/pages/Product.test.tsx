import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { fakeToken, json, problem, renderAt } from "../testing";

const pid = "0190f1c2-0000-7000-8000-0000000000p1";
const product = (rating: { count: number; average: number }) => ({
  id: pid,
  sku: "SKU-1",
  name: "Walnut board",
  description: "A board",
  price: { amount: 4500, currency: "USD" },
  category: "kitchen",
  stock: 3,
  status: "active",
  version: 1,
  rating,
  createdAt: "2026-01-01T00:00:00Z",
  updatedAt: "2026-01-01T00:00:00Z",
});
const review = (id: string, author: string, rating: number, verifiedPurchase: boolean) => ({
  id,
  productId: pid,
  author: { id: author, name: author === "c1" ? "Ann" : "Bo" },
  rating,
  title: `Review ${id}`,
  body: "",
  verifiedPurchase,
  helpfulCount: 0,
  version: 1,
  createdAt: "2026-01-01T00:00:00Z",
  updatedAt: "2026-01-01T00:00:00Z",
});
const histogram = (count: number, average: number) => ({ productId: pid, count, average, histogram: { "1": 0, "2": 0, "3": 0, "4": count, "5": 0 } });
const customer = fakeToken({ sub: "c1", name: "Ann", roles: ["customer"] });
const path = (req: Request) => new URL(req.url).pathname;

describe("product page", () => {
  it("shows the product document's rating and marks verified purchases", async () => {
    renderAt(`/products/${pid}`, (req) => {
      if (path(req) === `/v1/products/${pid}`) return json(product({ count: 2, average: 4.5 }));
      if (path(req) === `/v1/products/${pid}/rating`) return json(histogram(2, 4.5));
      if (path(req) === `/v1/products/${pid}/reviews`) return json({ items: [review("r1", "c2", 5, true), review("r2", "c3", 4, false)] });
      return undefined;
    });
    const aside = await screen.findByRole("complementary", { name: "Rating" });
    await within(aside).findByRole("img", { name: "4.5 out of 5, 2 reviews" });
    const verified = (await screen.findByRole("heading", { name: "Review r1" })).closest("li") as HTMLElement;
    expect(within(verified).getByText("Verified purchase")).toBeTruthy();
    const plain = screen.getByRole("heading", { name: "Review r2" }).closest("li") as HTMLElement;
    expect(within(plain).queryByText("Verified purchase")).toBeNull();
  });

  it("reads the product again after a review is posted, until its rating counts it", async () => {
    let posted = false;
    let productReads = 0;
    renderAt(
      `/products/${pid}`,
      (req) => {
        if (path(req) === `/v1/products/${pid}`) {
          // catalog's projection follows a moment later: the second read after the post has it.
          const n = ++productReads;
          return json(posted && n >= 3 ? product({ count: 1, average: 4 }) : product({ count: 0, average: 0 }));
        }
        if (path(req) === `/v1/products/${pid}/rating`) return json(posted ? histogram(1, 4) : histogram(0, 0));
        if (path(req) === `/v1/products/${pid}/reviews`) {
          if (req.method === "POST") {
            posted = true;
            return json(review("r9", "c1", 4, false), { status: 201 });
          }
          return json({ items: posted ? [review("r9", "c1", 4, false)] : [] });
        }
        return undefined;
      },
      customer,
    );
    const aside = await screen.findByRole("complementary", { name: "Rating" });
    await within(aside).findByText("No reviews yet");
    const user = userEvent.setup();
    await user.click(await screen.findByLabelText("4 stars"));
    await user.type(screen.getByLabelText("Title"), "Good");
    await user.click(screen.getByRole("button", { name: "Post review" }));
    await screen.findByRole("heading", { name: "Review r9" });
    await within(aside).findByRole("img", { name: "4 out of 5, 1 review" }, { timeout: 5000 });
    expect(productReads).toBe(3);
  });

  it("says clearly when reviews do not know the product", async () => {
    renderAt(
      `/products/${pid}`,
      (req) => {
        if (path(req) === `/v1/products/${pid}`) return json(product({ count: 0, average: 0 }));
        if (path(req) === `/v1/products/${pid}/rating`) return json(histogram(0, 0));
        if (path(req) === `/v1/products/${pid}/reviews`)
          return req.method === "POST"
            ? problem(404, "Not Found", { detail: "no product with this id", requestId: "req-7" })
            : json({ items: [] });
        return undefined;
      },
      customer,
    );
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText("Title"), "Good");
    await user.click(screen.getByRole("button", { name: "Post review" }));
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("This product cannot be reviewed yet");
    expect(alert.textContent).toContain("Reviews do not know this product yet");
    expect(alert.textContent).toContain("req-7");
  });

  it("does not offer a review form when reviews do not know the product", async () => {
    renderAt(
      `/products/${pid}`,
      (req) => {
        if (path(req) === `/v1/products/${pid}`) return json(product({ count: 0, average: 0 }));
        if (path(req).startsWith(`/v1/products/${pid}/`)) return problem(404, "Not Found");
        return undefined;
      },
      customer,
    );
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("Reviews are not open for this product yet");
    await waitFor(() => expect(screen.queryByRole("button", { name: "Post review" })).toBeNull());
    const aside = screen.getByRole("complementary", { name: "Rating" });
    expect(within(aside).getByText("No reviews yet")).toBeTruthy();
  });
});
