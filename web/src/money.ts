// Prices travel in the currency's minor unit (cents); people read major units.

export interface Money {
  readonly amount: number;
  readonly currency: string;
}

/** fractionDigits is the number of minor-unit digits of a currency: 2 for USD, 0 for JPY. */
export function fractionDigits(currency: string): number {
  try {
    return new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/** formatMoney shows an amount in major units: {1299, "USD"} -> "$12.99". */
export function formatMoney(m: Money, locale?: string): string {
  const digits = fractionDigits(m.currency);
  const major = m.amount / 10 ** digits;
  try {
    return new Intl.NumberFormat(locale, { style: "currency", currency: m.currency }).format(major);
  } catch {
    return `${major.toFixed(digits)} ${m.currency}`;
  }
}

/** toMinor parses what a person typed in major units ("12.99") into minor units, or null. */
export function toMinor(major: string, currency: string): number | null {
  const digits = fractionDigits(currency);
  const re = digits > 0 ? new RegExp(`^\\d+(\\.\\d{1,${digits}})?$`) : /^\d+$/;
  const s = major.trim();
  if (!re.test(s)) return null;
  const [whole = "0", frac = ""] = s.split(".");
  return Number(whole) * 10 ** digits + Number(frac.padEnd(digits, "0") || "0");
}

/** toMajor writes minor units as a major-unit string for a form field: 1299 -> "12.99". */
export function toMajor(amount: number, currency: string): string {
  const digits = fractionDigits(currency);
  return (amount / 10 ** digits).toFixed(digits);
}
