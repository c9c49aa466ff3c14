import { useRef, useState } from "react";
import { Link, useNavigate } from "react-router";
import { must, type AccountsSchemas, type OrdersSchemas } from "../api/client";
import { fieldErrors, type ApiError } from "../api/problem";
import { useApp } from "../app";
import { placed, placementKey } from "../checkout";
import { Field } from "../components/Field";
import { RequireSession, usePageTitle } from "../components/Layout";
import { Loading } from "../components/Loading";
import { ProblemAlert } from "../components/Problem";
import { useLoad } from "../load";
import { formatMoney } from "../money";

type ShippingAddress = OrdersSchemas["schemas"]["Address"];
type BookAddress = AccountsSchemas["schemas"]["Address"];

/** toShipping turns an address-book entry (up to three lines) into the order's address. */
export function toShipping(a: BookAddress): ShippingAddress {
  const [line1 = "", ...rest] = a.lines;
  return {
    name: a.name,
    line1,
    ...(rest.length ? { line2: rest.join(", ") } : {}),
    city: a.city,
    postalCode: a.postalCode,
    country: a.country,
  };
}

export function CheckoutPage() {
  usePageTitle("Checkout");
  return (
    <RequireSession>
      <Checkout />
    </RequireSession>
  );
}

const empty = { name: "", line1: "", line2: "", city: "", postalCode: "", country: "" };

function Checkout() {
  const { api } = useApp();
  const navigate = useNavigate();
  const cart = useLoad((signal) => must(api.GET("/v1/cart", { signal })), [api]);
  const book = useLoad((signal) => must(api.GET("/v1/me/addresses", { signal })), [api]);
  const [choice, setChoice] = useState<string>("");
  const [address, setAddress] = useState(empty);
  const [save, setSave] = useState(true);
  const [placing, setPlacing] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const inFlight = useRef(false);

  if (cart.state === "failed" && !cart.data) return <ProblemAlert error={cart.error} onRetry={cart.reload} />;
  if (!cart.data) return <Loading what="Loading your cart" />;
  if (cart.data.items.length === 0)
    return (
      <section>
        <h1>Checkout</h1>
        <p>
          Your cart is empty. <Link to="/">Browse the catalog</Link>.
        </p>
      </section>
    );

  const saved = book.data?.items ?? [];
  const selected = choice || (saved[0]?.id ?? "new");
  const fields = fieldErrors(error?.problem);

  const place = async () => {
    if (inFlight.current) return; // a second click while the first is on its way
    inFlight.current = true;
    setPlacing(true);
    setError(null);
    try {
      let shipping: ShippingAddress;
      const fromBook = saved.find((a) => a.id === selected);
      if (fromBook) {
        shipping = toShipping(fromBook);
      } else {
        const { line2, ...rest } = address;
        shipping = { ...rest, country: rest.country.toUpperCase(), ...(line2 ? { line2 } : {}) };
      }
      const body = { shippingAddress: shipping };
      const key = placementKey(sessionStorage, JSON.stringify([cart.data?.version, body]));
      const order = await must(api.POST("/v1/orders", { params: { header: { "Idempotency-Key": key } }, body }));
      placed(sessionStorage);
      if (!fromBook && save && saved.length < 10) {
        // The order is placed; keeping the address is a convenience, so its failure is not the order's.
        await api
          .POST("/v1/me/addresses", {
            body: {
              name: shipping.name,
              lines: [shipping.line1, ...(shipping.line2 ? [shipping.line2] : [])],
              city: shipping.city,
              postalCode: shipping.postalCode,
              country: shipping.country,
            },
          })
          .catch(() => undefined);
      }
      void navigate(`/orders/${order.id}`, { state: { placed: true } });
    } catch (err) {
      setError(err as ApiError);
    } finally {
      inFlight.current = false;
      setPlacing(false);
    }
  };

  const set = (k: keyof typeof empty) => (e: React.ChangeEvent<HTMLInputElement>) => setAddress((a) => ({ ...a, [k]: e.target.value }));
  const f = (k: string) => fields[`shippingAddress.${k}`];

  return (
    <section>
      <h1>Checkout</h1>
      <div className="checkout">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void place();
          }}
        >
          <fieldset>
            <legend>Shipping address</legend>
            {book.state === "loading" && <Loading what="Loading your addresses" />}
            <ProblemAlert error={book.error} />
            {saved.map((a) => (
              <label key={a.id} className="choice">
                <input type="radio" name="address" value={a.id} checked={selected === a.id} onChange={() => setChoice(a.id)} />
                <span>
                  <strong>{a.name}</strong>, {a.lines.join(", ")}, {a.postalCode} {a.city}, {a.country}
                </span>
              </label>
            ))}
            {saved.length > 0 && (
              <label className="choice">
                <input type="radio" name="address" value="new" checked={selected === "new"} onChange={() => setChoice("new")} />
                <span>A new address</span>
              </label>
            )}
            {selected === "new" && (
              <div className="address-form">
                <Field label="Full name" required autoComplete="name" value={address.name} onChange={set("name")} error={f("name")} />
                <Field label="Address" required autoComplete="address-line1" value={address.line1} onChange={set("line1")} error={f("line1")} />
                <Field label="Address line 2 (optional)" autoComplete="address-line2" value={address.line2} onChange={set("line2")} error={f("line2")} />
                <Field label="City" required autoComplete="address-level2" value={address.city} onChange={set("city")} error={f("city")} />
                <Field label="Postal code" required autoComplete="postal-code" value={address.postalCode} onChange={set("postalCode")} error={f("postalCode")} />
                <Field
                  label="Country code"
                  hint="Two letters, such as US or DE"
                  required
                  autoComplete="country"
                  maxLength={2}
                  pattern="[A-Za-z]{2}"
                  value={address.country}
                  onChange={set("country")}
                  error={f("country")}
                />
                <label className="choice">
                  <input type="checkbox" checked={save} onChange={(e) => setSave(e.target.checked)} />
                  <span>Save to my address book</span>
                </label>
              </div>
            )}
          </fieldset>
          <ProblemAlert error={error} />
          <button type="submit" disabled={placing}>
            {placing ? "Placing your order…" : "Place order"}
          </button>
        </form>
        <aside className="panel" aria-label="Order summary">
          <h2>Summary</h2>
          <ul className="summary">
            {cart.data.items.map((l) => (
              <li key={l.productId}>
                {l.quantity} × {l.name} <span className="num">{formatMoney(l.subtotal)}</span>
              </li>
            ))}
          </ul>
          {cart.data.total && (
            <p className="total">
              Total <span className="num">{formatMoney(cart.data.total)}</span>
            </p>
          )}
        </aside>
      </div>
    </section>
  );
}
