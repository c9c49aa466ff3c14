// The storefront end to end, in headless Chromium, against the whole local
// system: a customer signs up, searches, fills the cart, checks out and
// watches the order until the saga confirms it (the stock goes down), finds
// it in the history, reviews the product (a verified purchase, counted in the
// product's rating), cancels the order (the stock comes back), has an order
// for more than the stock cancelled, and signs out; an admin creates a
// product and adjusts its stock. Every main page is
// checked with axe (no serious or critical violations) and photographed into
// e2e/screenshots/.
import AxeBuilder from "@axe-core/playwright";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

const baseURL = inject("baseURL");
const skip = inject("skip");
const shots = fileURLToPath(new URL("./screenshots/", import.meta.url));

interface Product {
  id: string;
  name: string;
  stock: number;
  price: { amount: number; currency: string };
  rating: { count: number; average: number };
}

/** settle waits for the saga and the projections: polls fn until it returns a value (up to 30 s). */
async function settle<T>(what: string, fn: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const stockOf = async (id: string) => (await api<Product>(`/v1/products/${id}`)).stock;

async function api<T>(path: string): Promise<T> {
  const res = await fetch(baseURL + path);
  if (!res.ok) throw new Error(`${path}: ${res.status}`);
  return (await res.json()) as T;
}

/** check runs axe over the page and writes its screenshot. */
async function check(page: Page, name: string) {
  await page.waitForLoadState("networkidle");
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
  const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]).analyze();
  const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(
    bad.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`),
    `${name}: accessibility`,
  ).toEqual([]);
}

describe.skipIf(skip !== "")("the storefront in Chromium", () => {
  let context: BrowserContext;
  let page: Page;
  let profile: string;
  let product: Product;
  let short: Product; // another product, ordered beyond its stock
  const email = `e2e-${Date.now()}@example.com`;
  const password = "a long journey password";
  let orderId = "";

  beforeAll(async () => {
    await mkdir(shots, { recursive: true });
    profile = await mkdtemp(join(tmpdir(), "quartet-chromium-"));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: inject("chromium"),
      headless: true,
      baseURL,
      viewport: { width: 1280, height: 900 },
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
      ],
    });
    page = context.pages()[0] ?? (await context.newPage());
    const page1 = await api<{ items: Product[] }>("/v1/products?limit=50");
    const found = page1.items.find((p) => p.stock >= 5 && p.stock < 99 && /\b[A-Za-z]{4,}\b/.test(p.name));
    if (!found) throw new Error("the seeded catalog has no product in stock to buy");
    product = found;
    const other = page1.items.find((p) => p.id !== found.id && p.stock >= 1 && p.stock < 99);
    if (!other) throw new Error("the seeded catalog has no second product in stock");
    short = other;
  });

  afterAll(async () => {
    await context.close();
    await rm(profile, { recursive: true, force: true });
  });

  it("shows the seeded catalog at /, with prices and ratings", async () => {
    await page.goto("/");
    await expect.poll(() => page.getByRole("heading", { level: 1, name: "Catalog" }).isVisible()).toBe(true);
    await page.getByRole("link", { name: product.name }).first().waitFor();
    expect(await page.locator(".product-grid > li").count()).toBeGreaterThan(0);
    await check(page, "catalog");
  });

  it("loads a product page from a deep link", async () => {
    await page.goto(`/products/${product.id}`);
    await page.getByRole("heading", { level: 1, name: product.name }).waitFor();
    await page.getByRole("heading", { name: "Rating" }).waitFor();
    await check(page, "product");
  });

  it("keeps an unknown API path a JSON answer, not the app", async () => {
    const res = await page.request.get("/v1/no-such-thing");
    expect(res.status()).toBe(404);
    expect(res.headers()["content-type"]).toContain("json");
  });

  it("signs up", async () => {
    await page.goto("/signup");
    await check(page, "signup");
    await page.getByLabel("Name").fill("Erin End");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Create account" }).click();
    await page.getByRole("link", { name: "Erin End" }).waitFor();
  });

  it("searches and adds the product to the cart", async () => {
    const word = /\b[A-Za-z]{4,}\b/.exec(product.name)?.[0] ?? "";
    await page.goto("/");
    await page.getByRole("searchbox", { name: "Search" }).fill(word);
    await page.getByRole("searchbox", { name: "Search" }).press("Enter");
    await page.getByRole("heading", { level: 1, name: `Results for “${word}”` }).waitFor();
    expect(new URL(page.url()).searchParams.get("q")).toBe(word);
    await page.getByRole("link", { name: product.name }).first().click();
    await page.getByLabel("Quantity").fill("2");
    await page.getByRole("button", { name: "Add to cart" }).click();
    await page.getByText("Added 2 to your cart.").waitFor();
  });

  it("changes the quantity in the cart and shows the total", async () => {
    await page.goto("/cart");
    const qty = page.getByLabel(`Quantity of ${product.name}`);
    await qty.fill("3");
    await qty.press("Enter");
    const total = new Intl.NumberFormat("en-US", { style: "currency", currency: product.price.currency }).format(
      (product.price.amount * 3) / 100,
    );
    await page.locator("td.total", { hasText: total }).waitFor();
    await check(page, "cart");
  });

  it("checks out once for a double click, and shows the order's status", async () => {
    await page.goto("/checkout");
    await page.getByLabel("Full name").fill("Erin End");
    await page.getByLabel("Address", { exact: true }).fill("1 Main Street");
    await page.getByLabel("City").fill("Springfield");
    await page.getByLabel("Postal code").fill("12345");
    await page.getByLabel("Country code").fill("US");
    await check(page, "checkout");
    const placements: string[] = [];
    page.on("request", (r) => {
      if (r.method() === "POST" && new URL(r.url()).pathname === "/v1/orders") placements.push(r.headers()["idempotency-key"] ?? "");
    });
    await page.getByRole("button", { name: "Place order" }).dblclick();
    await page.waitForURL(/\/orders\/[0-9a-f-]+$/);
    orderId = new URL(page.url()).pathname.split("/").pop() ?? "";
    expect(new Set(placements).size).toBe(1);
    await page.getByText("Thank you! Your order was placed.").waitFor();

    // The page reads the pending order again until the saga settles it: catalog
    // reserves the stock, orders confirms. It shows the result without a reload.
    const status = page.locator(".order-status .status-text");
    await expect.poll(() => status.textContent(), { timeout: 30_000 }).toBe("Confirmed");
    await page.getByText("Your order is confirmed.").waitFor();
    expect(await stockOf(product.id), "the confirmed order's stock is reserved").toBe(product.stock - 3);
    await check(page, "order");
  });

  it("lists the order in the history, once", async () => {
    await page.goto("/orders");
    await page.getByRole("link", { name: `Order ${orderId.slice(-8)}` }).waitFor();
    expect(await page.locator("tbody tr").count()).toBe(1);
    await check(page, "orders");
  });

  it("shows the product's stock gone down", async () => {
    await page.goto(`/products/${product.id}`);
    await page.getByText(`${product.stock - 3} in stock`).waitFor();
  });

  it("reviews the product as a verified purchase, edits the review and sees it counted in the rating", async () => {
    await page.goto(`/products/${product.id}`);
    await page.getByRole("heading", { name: "Write a review" }).waitFor();
    await page.getByLabel("4 stars").check();
    await page.getByLabel("Title").fill("Does the job");
    await page.getByLabel("Review", { exact: true }).fill("Bought three; all good.");
    await page.getByRole("button", { name: "Post review" }).click();
    await page.getByRole("heading", { level: 3, name: "Does the job" }).waitFor();
    await page.getByRole("button", { name: "Edit" }).click();
    await page.getByLabel("Title").fill("Does the job well");
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.getByRole("heading", { level: 3, name: "Does the job well" }).waitFor();

    // The order was confirmed before the review was written: reviews knows the
    // purchase (from OrderConfirmed), so the review is a verified one.
    const mine = page.locator(".review", { has: page.getByRole("heading", { level: 3, name: "Does the job well" }) });
    await mine.getByText("Verified purchase").waitFor();

    // catalog counts it in the product's rating (from ReviewSubmitted), and the
    // page shows it after re-reading the product.
    const count = product.rating.count + 1;
    const rated = await settle("the product's rating to count the review", async () => {
      const p = await api<Product>(`/v1/products/${product.id}`);
      return p.rating.count === count ? p.rating : undefined;
    });
    const words = `out of 5, ${count} ${count === 1 ? "review" : "reviews"}`;
    const stars = page.getByRole("complementary", { name: "Rating" }).getByRole("img", { name: new RegExp(`${words}$`) });
    await stars.waitFor({ timeout: 10_000 });
    expect(rated.average).toBeGreaterThan(0);
    await check(page, "product-reviewed");
  });

  it("keeps the profile and addresses", async () => {
    await page.goto("/account");
    await page.getByRole("heading", { name: "Profile" }).waitFor();
    await page.getByText("1 Main Street").waitFor(); // saved at checkout
    await check(page, "account");
  });

  it("cancels the confirmed order after confirming, and the stock comes back", async () => {
    await page.goto(`/orders/${orderId}`);
    const status = page.locator(".order-status .status-text");
    await expect.poll(() => status.textContent()).toBe("Confirmed");
    await page.getByRole("button", { name: "Cancel order" }).click();
    await page.getByRole("group", { name: /Cancel this order\?/ }).waitFor();
    await check(page, "order-cancel");
    await page.getByRole("button", { name: "Yes, cancel the order" }).click();
    await expect.poll(() => status.textContent()).toBe("Cancelled");
    await page.getByText("You cancelled this order.").waitFor();
    expect(await page.getByRole("button", { name: "Cancel order" }).count()).toBe(0);
    // catalog releases the stock when OrderCancelled reaches it.
    await settle("the stock to come back", async () => ((await stockOf(product.id)) === product.stock ? true : undefined));
  });

  it("has an order for more than the stock cancelled, the stock untouched", async () => {
    const headers = { ...(await auth(page)), "Content-Type": "application/json" };
    const put = await page.request.put(`/v1/cart/items/${short.id}`, { headers, data: { quantity: short.stock + 1 } });
    expect(put.ok(), await put.text()).toBe(true);
    await page.goto("/checkout");
    await page.getByRole("button", { name: "Place order" }).click();
    await page.waitForURL(/\/orders\/[0-9a-f-]+$/);
    const status = page.locator(".order-status .status-text");
    await expect.poll(() => status.textContent(), { timeout: 30_000 }).toBe("Cancelled");
    await page.getByText("Cancelled: not enough stock.").waitFor();
    await check(page, "order-cancelled");
    expect(await stockOf(short.id)).toBe(short.stock);
  });

  it("signs out", async () => {
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("link", { name: "Sign in" }).waitFor();
    await page.goto("/orders");
    await page.getByRole("heading", { name: "Please sign in" }).waitFor();
    expect(await page.evaluate(() => window.sessionStorage.getItem("quartet.session"))).toBeNull();
  });

  it("lets an admin create a product and adjust its stock", async () => {
    await page.goto("/signin?next=/admin");
    await check(page, "signin");
    await page.getByLabel("Email").fill("admin@quartet.example");
    await page.getByLabel("Password").fill("quartet-admin-demo");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { level: 1, name: "Products" }).waitFor();
    await page.getByRole("button", { name: "New product" }).click();
    const sku = `E2E-${Date.now()}`;
    await page.getByLabel("SKU").fill(sku);
    await page.getByLabel("Name", { exact: true }).fill("End-to-end lamp");
    await page.getByLabel("Price").fill("19.50");
    await page.getByLabel("Stock", { exact: true }).fill("4");
    await page.getByRole("button", { name: "Save product" }).click();
    await page.getByText("Saved End-to-end lamp.").waitFor();
    await page.getByLabel("Stock change for End-to-end lamp").fill("6");
    await page.getByRole("button", { name: "Apply the stock change to End-to-end lamp" }).click();
    await page.getByText("End-to-end lamp: 10 in stock.").waitFor();
    await check(page, "admin");
  });

  it("shows the API reference at /docs", async () => {
    await page.goto("/docs");
    await page.getByRole("heading", { level: 1, name: "API reference" }).waitFor();
    await page.locator(".swagger .opblock").first().waitFor({ timeout: 30_000 });
    await page.getByRole("button", { name: "Orders" }).click();
    await page.getByText("/v1/orders/{id}/cancel").first().waitFor();
    await check(page, "docs");
  });

  it("is usable on a phone-sized screen", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`/products/${product.id}`);
    await page.getByRole("heading", { level: 1, name: product.name }).waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await check(page, "product-phone");
  });
});

async function auth(page: Page): Promise<Record<string, string>> {
  const token = await page.evaluate(() => window.sessionStorage.getItem("quartet.session"));
  return token ? { Authorization: `Bearer ${token}` } : {};
}
