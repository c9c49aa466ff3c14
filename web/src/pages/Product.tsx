import { useEffect, useId, useRef, useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { etag, must, send, type CatalogSchemas, type ReviewsSchemas } from "../api/client";
import { ApiError, fieldErrors } from "../api/problem";
import { useApp } from "../app";
import { usePageTitle } from "../components/Layout";
import { Loading } from "../components/Loading";
import { ProblemAlert } from "../components/Problem";
import { RatingHistogram, RatingLine, Stars, VerifiedBadge } from "../components/Rating";
import { useLoad } from "../load";
import { formatMoney } from "../money";
import { poll } from "../poll";

type Review = ReviewsSchemas["schemas"]["Review"];
type Product = CatalogSchemas["schemas"]["Product"];

/** When the product is read again after its reviews changed (ms): three reads over about 5 s. */
export const ratingRereads = [500, 1500, 3000];

/**
 * unknownProduct words reviews' 404 for a product it does not know (yet: its
 * copy of the catalog follows catalog's events), keeping the request id.
 */
function unknownProduct(e: ApiError, title: string): ApiError {
  if (e.status !== 404) return e;
  return new ApiError({
    ...e.problem,
    title,
    detail: "Reviews do not know this product yet. If it was added a moment ago, please try again shortly.",
  });
}
type Sort = "newest" | "helpful" | "rating";

export function ProductPage() {
  const { id = "" } = useParams();
  const { api, session } = useApp();
  const navigate = useNavigate();
  // catalog lets browsers keep a product for 60 s; this page revalidates
  // (no-cache), so that the stock and rating a customer's own order or review
  // changed show here as they now are. The catalog's listing keeps the cache.
  const readProduct = (signal: AbortSignal) => must(api.GET("/v1/products/{id}", { params: { path: { id } }, signal, cache: "no-cache" }));
  const product = useLoad(readProduct, [api, id]);
  // reviews' own summary, for the histogram; the headline is the product document's rating.
  const histogram = useLoad((signal) => must(api.GET("/v1/products/{id}/rating", { params: { path: { id } }, signal })), [api, id]);
  const [fresh, setFresh] = useState<Product>();
  const refreshing = useRef<() => void>(undefined);
  useEffect(() => () => refreshing.current?.(), [id]);
  const [quantity, setQuantity] = useState(1);
  const [adding, setAdding] = useState(false);
  const [added, setAdded] = useState("");
  const [cartError, setCartError] = useState<ApiError | null>(null);
  const qtyId = useId();
  usePageTitle(product.data?.name ?? "Product");

  if (product.state === "failed" && !product.data) return <ProblemAlert error={product.error} onRetry={product.reload} />;
  if (!product.data) return <Loading what="Loading the product" />;
  const p = fresh?.id === id ? fresh : product.data;

  // After a review is posted, edited or deleted, catalog's copy of the rating
  // follows reviews' event a moment later: read the product again a few times,
  // politely, until its rating changes.
  const reviewsChanged = () => {
    histogram.reload();
    refreshing.current?.();
    const before = p.rating;
    refreshing.current = poll({
      read: readProduct,
      settled: (next) => next.rating.count !== before.count || next.rating.average !== before.average,
      onValue: setFresh,
      delays: ratingRereads,
    });
  };

  const addToCart = async () => {
    if (!session) {
      void navigate(`/signin?next=${encodeURIComponent(`/products/${id}`)}`);
      return;
    }
    setAdding(true);
    setCartError(null);
    setAdded("");
    try {
      const cart = await must(api.GET("/v1/cart"));
      const have = cart.items.find((l) => l.productId === id)?.quantity ?? 0;
      await must(
        api.PUT("/v1/cart/items/{productId}", {
          params: { path: { productId: id } },
          body: { quantity: Math.min(99, have + quantity) },
        }),
      );
      setAdded(`Added ${quantity} to your cart.`);
    } catch (err) {
      setCartError(err as ApiError);
    } finally {
      setAdding(false);
    }
  };

  return (
    <article className="product">
      <p className="breadcrumb">
        <Link to="/">Catalog</Link> / <Link to={`/?category=${p.category}`}>{p.category}</Link>
      </p>
      <h1>{p.name}</h1>
      <div className="product-main">
        <div>
          <p className="price big">{formatMoney(p.price)}</p>
          <p>{p.description}</p>
          <p className="muted">SKU {p.sku}</p>
          {p.status === "archived" ? (
            <p className="stock out">No longer sold</p>
          ) : (
            <p className={p.stock > 0 ? "stock" : "stock out"}>{p.stock > 0 ? `${p.stock} in stock` : "Out of stock"}</p>
          )}
          {p.status === "active" && p.stock > 0 && (
            <form
              className="add-to-cart"
              onSubmit={(e) => {
                e.preventDefault();
                void addToCart();
              }}
            >
              <div className="field inline">
                <label htmlFor={qtyId}>Quantity</label>
                <input
                  id={qtyId}
                  type="number"
                  min={1}
                  max={Math.min(99, p.stock)}
                  value={quantity}
                  onChange={(e) => setQuantity(Math.max(1, Math.min(99, Number(e.target.value) || 1)))}
                />
              </div>
              <button type="submit" disabled={adding}>
                {adding ? "Adding…" : "Add to cart"}
              </button>
            </form>
          )}
          <p role="status" aria-live="polite">
            {added && (
              <>
                {added} <Link to="/cart">View cart</Link>
              </>
            )}
          </p>
          <ProblemAlert error={cartError} />
        </div>
        <aside aria-label="Rating" className="panel">
          <h2>Rating</h2>
          <RatingLine rating={p.rating} />
          {histogram.data && <RatingHistogram rating={histogram.data} />}
        </aside>
      </div>
      <Reviews productId={id} onChange={reviewsChanged} />
    </article>
  );
}

function Reviews({ productId, onChange }: { productId: string; onChange: () => void }) {
  const { api, session } = useApp();
  const [sort, setSort] = useState<Sort>("newest");
  const first = useLoad(
    (signal) => must(api.GET("/v1/products/{id}/reviews", { params: { path: { id: productId }, query: { sort, limit: 5 } }, signal })),
    [api, productId, sort],
  );
  // Pages after the first, for the first page they follow.
  const [later, setLater] = useState<{ after: unknown; items: Review[]; next?: string | undefined }>({ after: null, items: [] });
  const [loadingMore, setLoadingMore] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const sortId = useId();

  const extra = later.after === first.data ? later : { items: [], next: first.data?.nextCursor };
  const reviews = [...(first.data?.items ?? []), ...extra.items];
  const next = extra.next;
  const reload = first.reload;

  const more = async () => {
    if (!next) return;
    setLoadingMore(true);
    setError(null);
    try {
      const page = await must(
        api.GET("/v1/products/{id}/reviews", { params: { path: { id: productId }, query: { sort, limit: 5, cursor: next } } }),
      );
      setLater({ after: first.data, items: [...extra.items, ...page.items], next: page.nextCursor });
    } catch (err) {
      setError(err as ApiError);
    } finally {
      setLoadingMore(false);
    }
  };

  const changed = () => {
    reload();
    onChange();
  };
  const mine = session ? reviews.find((r) => r.author.id === session.accountId) : undefined;
  const unknown = first.state === "failed" && first.error.status === 404;

  return (
    <section className="reviews" aria-labelledby={`${sortId}-h`}>
      <div className="reviews-head">
        <h2 id={`${sortId}-h`}>Reviews</h2>
        <div className="field inline">
          <label htmlFor={sortId}>Sort by</label>
          <select id={sortId} value={sort} onChange={(e) => setSort(e.target.value as Sort)}>
            <option value="newest">Newest</option>
            <option value="helpful">Most helpful</option>
            <option value="rating">Highest rating</option>
          </select>
        </div>
      </div>
      {session ? (
        // Reviewing is for customers (an admin-only account would get a 403).
        session.roles.includes("customer") && !mine && !unknown && <ReviewForm productId={productId} onSaved={changed} />
      ) : (
        <p>
          <Link to={`/signin?next=${encodeURIComponent(`/products/${productId}`)}`}>Sign in</Link> to write a review.
        </p>
      )}
      {first.state === "failed" && <ProblemAlert error={unknownProduct(first.error, "Reviews are not open for this product yet")} onRetry={reload} />}
      <ProblemAlert error={error} />
      {first.state === "loading" && reviews.length === 0 && <Loading what="Loading reviews" />}
      {first.state === "done" && reviews.length === 0 && <p>No reviews yet. Be the first.</p>}
      <ul className="review-list">
        {reviews.map((r) => (
          <ReviewItem key={r.id} review={r} onChanged={changed} />
        ))}
      </ul>
      {next && (
        <button type="button" onClick={() => void more()} disabled={loadingMore}>
          {loadingMore ? "Loading…" : "More reviews"}
        </button>
      )}
    </section>
  );
}

function ReviewItem({ review, onChanged }: { review: Review; onChanged: () => void }) {
  const { api, session } = useApp();
  const [editing, setEditing] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [voted, setVoted] = useState(false);
  const [helpful, setHelpful] = useState(review.helpfulCount);
  const own = session?.accountId === review.author.id;
  const canDelete = own || (session?.roles.includes("admin") ?? false);

  if (editing)
    return (
      <ReviewForm
        productId={review.productId}
        review={review}
        onSaved={() => {
          setEditing(false);
          onChanged();
        }}
        onCancel={() => setEditing(false)}
      />
    );

  const vote = async () => {
    setError(null);
    try {
      const r = await must(api.POST("/v1/reviews/{id}/helpful", { params: { path: { id: review.id } } }));
      setHelpful(r.helpfulCount);
      setVoted(true);
    } catch (err) {
      const e = err as ApiError;
      if (e.status === 409) setVoted(true);
      else setError(e);
    }
  };
  const remove = async () => {
    if (!window.confirm("Delete this review?")) return;
    setError(null);
    try {
      await must(api.DELETE("/v1/reviews/{id}", { params: { path: { id: review.id }, header: { "If-Match": `"${review.version}"` } } }));
      onChanged();
    } catch (err) {
      setError(err as ApiError);
    }
  };

  return (
    <li className="review">
      <h3>{review.title}</h3>
      <p>
        <Stars value={review.rating} label={`Rated ${review.rating} out of 5`} /> by {review.author.name}{" "}
        {review.verifiedPurchase && <VerifiedBadge />}{" "}
        <time className="muted" dateTime={review.createdAt}>
          {new Date(review.createdAt).toLocaleDateString()}
        </time>
      </p>
      {review.body && <p className="review-body">{review.body}</p>}
      <p className="review-actions">
        <span className="muted">
          {helpful} {helpful === 1 ? "person" : "people"} found this helpful
        </span>
        {session?.roles.includes("customer") && !own && (
          <button type="button" className="secondary" onClick={() => void vote()} disabled={voted} aria-pressed={voted}>
            {voted ? "Marked helpful" : "Helpful"}
          </button>
        )}
        {own && (
          <button type="button" className="secondary" onClick={() => setEditing(true)}>
            Edit
          </button>
        )}
        {canDelete && (
          <button type="button" className="danger" onClick={() => void remove()}>
            Delete
          </button>
        )}
      </p>
      <ProblemAlert error={error} />
    </li>
  );
}

function ReviewForm({
  productId,
  review,
  onSaved,
  onCancel,
}: {
  productId: string;
  review?: Review;
  onSaved: () => void;
  onCancel?: () => void;
}) {
  const { api } = useApp();
  const [rating, setRating] = useState(review?.rating ?? 5);
  const [title, setTitle] = useState(review?.title ?? "");
  const [body, setBody] = useState(review?.body ?? "");
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const id = useId();
  const fields = fieldErrors(error?.problem);

  const save = async () => {
    setSaving(true);
    setError(null);
    try {
      if (review) {
        const current = await send(api.GET("/v1/reviews/{id}", { params: { path: { id: review.id } } }));
        await must(
          api.PATCH("/v1/reviews/{id}", {
            params: { path: { id: review.id }, header: { "If-Match": etag(current) } },
            body: { rating, title, body },
          }),
        );
      } else {
        await must(api.POST("/v1/products/{id}/reviews", { params: { path: { id: productId } }, body: { rating, title, body } }));
      }
      onSaved();
    } catch (err) {
      setError(review ? (err as ApiError) : unknownProduct(err as ApiError, "This product cannot be reviewed yet"));
    } finally {
      setSaving(false);
    }
  };

  return (
    <form
      className="panel review-form"
      aria-labelledby={`${id}-h`}
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <h3 id={`${id}-h`}>{review ? "Edit your review" : "Write a review"}</h3>
      <fieldset className="rating-input">
        <legend>Rating</legend>
        {[1, 2, 3, 4, 5].map((n) => (
          <label key={n}>
            <input type="radio" name={`${id}-rating`} value={n} checked={rating === n} onChange={() => setRating(n)} />
            {n} {n === 1 ? "star" : "stars"}
          </label>
        ))}
      </fieldset>
      <div className="field">
        <label htmlFor={`${id}-title`}>Title</label>
        <input
          id={`${id}-title`}
          required
          maxLength={120}
          value={title}
          onChange={(e) => setTitle(e.target.value)}
          aria-invalid={fields.title ? true : undefined}
        />
        {fields.title && <small className="field-error">{fields.title}</small>}
      </div>
      <div className="field">
        <label htmlFor={`${id}-body`}>Review</label>
        <textarea id={`${id}-body`} rows={4} maxLength={5000} value={body} onChange={(e) => setBody(e.target.value)} />
      </div>
      <ProblemAlert error={error} />
      <div className="actions">
        <button type="submit" disabled={saving}>
          {saving ? "Saving…" : review ? "Save changes" : "Post review"}
        </button>
        {onCancel && (
          <button type="button" className="secondary" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
