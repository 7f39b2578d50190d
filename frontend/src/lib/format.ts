// Display formats used across the screens (Vietnamese conventions: day/month/year,
// 24-hour clock), in the browser's time zone. Plain Date arithmetic: the citizen's
// pages need no date library.

const two = (n: number) => String(n).padStart(2, '0');

/** A Date scalar (YYYY-MM-DD, or a time starting with one) as DD/MM/YYYY. */
export function formatDate(d: string | null | undefined): string {
  if (!d) return '';
  const m = d.match(/^(\d{4})-(\d{2})-(\d{2})/);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : d;
}

/** A Time scalar (RFC 3339) as HH:mm:ss DD/MM/YYYY in the browser's zone. */
export function formatTime(t: string | null | undefined): string {
  if (!t) return '';
  const v = new Date(t);
  if (Number.isNaN(v.getTime())) return t;
  return `${formatClock(t)} ${two(v.getDate())}/${two(v.getMonth() + 1)}/${v.getFullYear()}`;
}

/** Only the clock part of a Time scalar (HH:mm:ss). */
export function formatClock(t: string | null | undefined): string {
  if (!t) return '';
  const v = new Date(t);
  if (Number.isNaN(v.getTime())) return t;
  return `${two(v.getHours())}:${two(v.getMinutes())}:${two(v.getSeconds())}`;
}
