import { describe, expect, it } from "vitest";
import { formatMoney, fractionDigits, toMajor, toMinor } from "./money";

describe("money", () => {
  it("shows minor units as major units", () => {
    expect(formatMoney({ amount: 1299, currency: "USD" }, "en-US")).toBe("$12.99");
    expect(formatMoney({ amount: 0, currency: "EUR" }, "en-US")).toBe("€0.00");
    expect(formatMoney({ amount: 1500, currency: "JPY" }, "en-US")).toBe("¥1,500");
  });
  it("knows each currency's minor unit", () => {
    expect(fractionDigits("USD")).toBe(2);
    expect(fractionDigits("JPY")).toBe(0);
    expect(fractionDigits("KWD")).toBe(3);
  });
  it("parses what people type", () => {
    expect(toMinor("12.99", "USD")).toBe(1299);
    expect(toMinor("12.9", "USD")).toBe(1290);
    expect(toMinor(" 7 ", "USD")).toBe(700);
    expect(toMinor("1500", "JPY")).toBe(1500);
    for (const bad of ["", "12.999", "-1", "1,5", "abc", "1.5"]) expect(toMinor(bad, bad === "1.5" ? "JPY" : "USD")).toBeNull();
    expect(toMajor(1299, "USD")).toBe("12.99");
  });
});
