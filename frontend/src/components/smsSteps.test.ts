import { describe, expect, it } from 'vitest';
import { smsSteps, stepTime } from './smsSteps';

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

describe('stepTime', () => {
  const sms = { status: 'DELIVERED' as const, createdAt: 'c', updatedAt: 'u', sentAt: 's', finalAt: 'f' };
  it('dates every passed step, even one never seen live', () => {
    expect(['QUEUED', 'SENDING', 'SENT', 'DELIVERED'].map((st) => stepTime(st as never, sms))).toEqual(['c', 's', 's', 'f']);
  });
  it('prefers the time a status was seen live for the queue', () => {
    expect(stepTime('QUEUED', sms, { QUEUED: 'q' })).toBe('q');
  });
  it('dates the step in progress by the last change', () => {
    expect(stepTime('SENDING', { ...sms, status: 'SENDING', sentAt: null, finalAt: null })).toBe('u');
  });
  it('has no time for a failure the message never reached', () => {
    expect(stepTime('UNDELIVERED', sms)).toBeUndefined();
  });
});
