// Display formats used across the screens (Vietnamese conventions: day/month/year).
import dayjs from 'dayjs';

/** A Date scalar (YYYY-MM-DD) as DD/MM/YYYY. */
export function formatDate(d: string | null | undefined): string {
  if (!d) return '';
  const v = dayjs(d.slice(0, 10), 'YYYY-MM-DD');
  return v.isValid() ? v.format('DD/MM/YYYY') : d;
}

/** A Time scalar (RFC 3339) as HH:mm:ss DD/MM/YYYY in the browser's zone. */
export function formatTime(t: string | null | undefined): string {
  if (!t) return '';
  const v = dayjs(t);
  return v.isValid() ? v.format('HH:mm:ss DD/MM/YYYY') : t;
}

/** Only the clock part of a Time scalar. */
export function formatClock(t: string | null | undefined): string {
  if (!t) return '';
  const v = dayjs(t);
  return v.isValid() ? v.format('HH:mm:ss') : t;
}
