// What an SMS message's status means for the officer, in the officer's language.
// The server's last_error is English (internal/platform/smsqueue); the status
// explanation says what happened and what to do, and last_error is kept only when
// it adds something: a gateway's own error text, a provider's receipt detail, the
// receipt deadline of a NO_REPORT (docs/SMS.md).
import type { SmsStatus } from '../gql/graphql';
import type { T } from '../i18n';
import type { MessageKey } from '../i18n/messages';

/** A message's outcome as shown to the officer. */
export interface SmsOutcome {
  /** What the status means and what to do, in the UI's language. */
  explanation: string;
  /** The server's raw last_error, when it says more than the explanation; null otherwise. */
  detail: string | null;
}

// The texts internal/platform/smsqueue writes itself that only restate the status:
// claim's two "not sent" reasons and Receive's fallback for a receipt without detail.
const restatements = [
  /^not sent: the code expired before it could be sent$/,
  /^not sent: the message text is missing$/,
  /^the provider reported [A-Z_]+$/,
];

/** The explanation of status and the part of lastError worth showing as technical detail. */
export function smsOutcome(status: SmsStatus, lastError: string | null | undefined, t: T): SmsOutcome {
  const err = lastError?.trim() ?? '';
  // QUEUED with an error is a retry after a temporary failure (smsqueue.sent).
  const key = status === 'QUEUED' && err ? 'smsOutcome.QUEUED.retry' : `smsOutcome.${status}`;
  return {
    explanation: t(key as MessageKey),
    detail: err && !restatements.some((r) => r.test(err)) ? err : null,
  };
}
