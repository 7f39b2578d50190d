// Countdown arithmetic for the OTP resend button (resendAvailableAt from the server).

/** Whole seconds from nowMs until the RFC 3339 time iso; 0 when past or absent. */
export function secondsUntil(iso: string | null | undefined, nowMs: number): number {
  if (!iso) return 0;
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return 0;
  return Math.max(0, Math.ceil((t - nowMs) / 1000));
}

/** Formats seconds as m:ss (75 → "1:15"). */
export function formatCountdown(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/**
 * Whole seconds left until iso, rounded down: a 5-minute code shows 4:59 at
 * once, never 5:01. (secondsUntil rounds up, for waits: a button must not
 * say 0:00 while still disabled.)
 */
export function secondsLeft(iso: string | null | undefined, nowMs: number): number {
  if (!iso) return 0;
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return 0;
  return Math.max(0, Math.floor((t - nowMs) / 1000));
}
