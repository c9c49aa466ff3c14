import type { CatalogSchemas, ReviewsSchemas } from "../api/client";

type Histogram = ReviewsSchemas["schemas"]["Rating"];

/** A product's rating as its document carries it (catalog's projection of reviews' events); average is 0 when count is. */
export type ProductRating = CatalogSchemas["schemas"]["Rating"];

const one = new Intl.NumberFormat("en-US", { maximumFractionDigits: 1 });

/** ratingLabel reads a rating out: "4.5 out of 5, 12 reviews", or "No reviews yet". */
export function ratingLabel({ count, average }: ProductRating): string {
  if (count === 0) return "No reviews yet";
  return `${one.format(average)} out of 5, ${count} ${count === 1 ? "review" : "reviews"}`;
}

/** Stars shows a rating out of five, read out as words. */
export function Stars({ value, label }: { value: number; label?: string }) {
  const full = Math.max(0, Math.min(5, Math.round(value)));
  return (
    <span className="stars" role="img" aria-label={label ?? `${one.format(value)} out of 5 stars`}>
      <span aria-hidden="true">{"★".repeat(full)}</span>
      <span aria-hidden="true" className="stars-empty">
        {"★".repeat(5 - full)}
      </span>
    </span>
  );
}

/**
 * RatingLine is a product's rating in one line: stars read out as "4.5 out
 * of 5, 12 reviews", then the same in figures for the eye; or "No reviews
 * yet".
 */
export function RatingLine({ rating }: { rating: ProductRating }) {
  if (rating.count === 0) return <p className="rating-none">No reviews yet</p>;
  return (
    <p className="rating">
      <Stars value={rating.average} label={ratingLabel(rating)} />{" "}
      <span aria-hidden="true">
        {one.format(rating.average)}{" "}
        <span className="muted">
          ({rating.count} {rating.count === 1 ? "review" : "reviews"})
        </span>
      </span>
    </p>
  );
}

/** RatingHistogram is how many reviews gave each number of stars (reviews' own summary). */
export function RatingHistogram({ rating }: { rating: Histogram }) {
  if (rating.count === 0) return null;
  const levels = ["5", "4", "3", "2", "1"] as const;
  return (
    <table className="histogram">
      <caption className="visually-hidden">Number of reviews by rating</caption>
      <tbody>
        {levels.map((l) => {
          const n = rating.histogram[l];
          const pct = Math.round((n / rating.count) * 100);
          return (
            <tr key={l}>
              <th scope="row">{l} stars</th>
              <td className="bar-cell">
                <span className="bar" style={{ width: `${pct}%` }} />
              </td>
              <td className="num">{n}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** VerifiedBadge marks a review whose author bought the product (a confirmed order). */
export function VerifiedBadge() {
  return (
    <span className="badge verified" title="The author has a confirmed order of this product">
      <span aria-hidden="true">✓ </span>Verified purchase
    </span>
  );
}
