import { describe, expect, it } from 'vitest';
import { smsSteps } from './smsSteps';

const show = (steps: ReturnType<typeof smsSteps>) => steps.map((s) => `${s.status}:${s.state}`).join(' ');

describe('smsSteps', () => {
  it.each([
    ['QUEUED', [], 'QUEUED:current SENDING:pending SENT:pending DELIVERED:pending'],
    ['SENT', ['QUEUED'], 'QUEUED:done SENDING:done SENT:current DELIVERED:pending'],
    ['DELIVERED', [], 'QUEUED:done SENDING:done SENT:done DELIVERED:done'],
    ['UNDELIVERED', ['QUEUED', 'SENDING'], 'QUEUED:done SENDING:done SENT:done UNDELIVERED:failed'],
    ['EXPIRED', [], 'QUEUED:done SENDING:done SENT:done EXPIRED:failed'],
    ['NO_REPORT', ['SENT'], 'QUEUED:done SENDING:done SENT:done NO_REPORT:failed'],
    ['FAILED', [], 'QUEUED:done FAILED:failed'],
    ['FAILED', ['QUEUED', 'SENDING'], 'QUEUED:done SENDING:done FAILED:failed'],
  ] as const)('%s after %j', (status, seen, want) => {
    expect(show(smsSteps(status, seen))).toBe(want);
  });
});
