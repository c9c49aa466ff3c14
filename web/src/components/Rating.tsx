import type { ReviewsSchemas } from "../api/client";

type Rating = ReviewsSchemas["schemas"]["Rating"];

/** Stars shows a rating out of five, read out as words. */
export function Stars({ value, label }: { value: number; label?: string }) {
  const full = Math.round(value);
  return (
    <span className="stars" role="img" aria-label={label ?? `${value.toFixed(1)} out of 5 stars`}>
      <span aria-hidden="true">{"★".repeat(full)}</span>
      <span aria-hidden="true" className="stars-empty">
        {"★".repeat(5 - full)}
      </span>
    </span>
  );
}

/** RatingSummary is a product's average, count and, if asked, its histogram. */
export function RatingSummary({ rating, histogram = false }: { rating: Rating; histogram?: boolean }) {
  if (rating.count === 0) return <p className="rating-none">No reviews yet</p>;
  const levels = ["5", "4", "3", "2", "1"] as const;
  return (
    <div className="rating">
      <p>
        <Stars value={rating.average} /> <span>{rating.average.toFixed(1)}</span>{" "}
        <span className="muted">
          ({rating.count} {rating.count === 1 ? "review" : "reviews"})
        </span>
      </p>
      {histogram && (
        <table className="histogram">
          <caption className="visually-hidden">Number of reviews by rating</caption>
          <tbody>
            {levels.map((l) => {
              const n = rating.histogram[l];
              const pct = rating.count ? Math.round((n / rating.count) * 100) : 0;
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
      )}
    </div>
  );
}
