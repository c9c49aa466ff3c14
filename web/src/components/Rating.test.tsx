import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { RatingLine, ratingLabel, VerifiedBadge } from "./Rating";

describe("rating", () => {
  it("reads a rating out in words", () => {
    expect(ratingLabel({ count: 12, average: 4.5 })).toBe("4.5 out of 5, 12 reviews");
    expect(ratingLabel({ count: 1, average: 4 })).toBe("4 out of 5, 1 review");
    expect(ratingLabel({ count: 3, average: 3.6667 })).toBe("3.7 out of 5, 3 reviews");
    expect(ratingLabel({ count: 0, average: 0 })).toBe("No reviews yet");
  });

  it("shows stars with an accessible label and the count", () => {
    render(<RatingLine rating={{ count: 12, average: 4.5 }} />);
    const stars = screen.getByRole("img", { name: "4.5 out of 5, 12 reviews" });
    expect(stars.textContent).toBe("★★★★★"); // 4.5 rounds to five full stars
    expect(stars.querySelector(".stars-empty")?.textContent).toBe("");
    expect(screen.getByText("(12 reviews)")).toBeTruthy();
  });

  it("shows filled and empty stars", () => {
    render(<RatingLine rating={{ count: 2, average: 3 }} />);
    const stars = screen.getByRole("img", { name: "3 out of 5, 2 reviews" });
    expect(stars.querySelector(".stars-empty")?.textContent).toBe("★★");
  });

  it("says there are no reviews rather than zero stars", () => {
    render(<RatingLine rating={{ count: 0, average: 0 }} />);
    expect(screen.getByText("No reviews yet")).toBeTruthy();
    expect(screen.queryByRole("img")).toBeNull();
  });

  it("marks a verified purchase in words", () => {
    render(<VerifiedBadge />);
    expect(screen.getByText("Verified purchase")).toBeTruthy();
  });
});
