// Dates of the SSO screens in the browser's zone (Vietnamese order: day/month/year),
// without a date library: the account page must stay light on a phone.

/** A Time scalar (RFC 3339) as DD/MM/YYYY in the browser's zone; '' when absent. */
export function formatDay(t: string | null | undefined): string {
  if (!t) return '';
  const d = new Date(t);
  if (Number.isNaN(d.getTime())) return t;
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getDate())}/${two(d.getMonth() + 1)}/${d.getFullYear()}`;
}
