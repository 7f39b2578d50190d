// Dates of the SSO screens in the browser's zone (Vietnamese order: day/month/year).
import dayjs from 'dayjs';

/** A Time scalar (RFC 3339) as DD/MM/YYYY in the browser's zone; '' when absent. */
export function formatDay(t: string | null | undefined): string {
  if (!t) return '';
  const v = dayjs(t);
  return v.isValid() ? v.format('DD/MM/YYYY') : t;
}
