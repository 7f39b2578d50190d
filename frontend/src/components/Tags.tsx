import type { ReactNode } from 'react';
import { useT } from '../i18n';
import type { AccountStatus, AccountOrigin, RegistrationState, SmsStatus } from '../gql/graphql';
import type { MessageKey } from '../i18n/messages';

/** The colours a tag comes in; each pairs a pale background with a text dark enough to read (WCAG AA). */
export type Tone = 'neutral' | 'green' | 'red' | 'blue' | 'orange' | 'purple' | 'magenta';

/** A small coloured label. Plain HTML and CSS (index.css), so every screen can show one cheaply. */
export function Tag({ tone = 'neutral', children }: { tone?: Tone; children: ReactNode }) {
  return <span className={`tag tag-${tone}`}>{children}</span>;
}

const accountTone: Record<string, Tone> = { ACTIVE: 'green', NOT_ACTIVATED: 'neutral', LOCKED: 'red' };

/** An account status as a coloured tag. */
export function AccountStatusTag({ status }: { status: AccountStatus }) {
  const t = useT();
  return <Tag tone={accountTone[status]}>{t(`accountStatus.${status}` as MessageKey)}</Tag>;
}

/** An account origin as a tag; VNPost accounts stand out because they can never be officers. */
export function OriginTag({ origin }: { origin: AccountOrigin }) {
  const t = useT();
  return <Tag tone={origin === 'VNPOST' ? 'orange' : 'neutral'}>{t(`origin.${origin}` as MessageKey)}</Tag>;
}

const smsTone: Record<string, Tone> = {
  QUEUED: 'neutral', SENDING: 'blue', SENT: 'blue', DELIVERED: 'green',
  UNDELIVERED: 'red', FAILED: 'red', EXPIRED: 'orange', NO_REPORT: 'orange',
};

/** An SMS delivery status as a tag. */
export function SmsStatusTag({ status }: { status: SmsStatus }) {
  const t = useT();
  return <Tag tone={smsTone[status] ?? 'neutral'}>{t(`smsStatus.${status}` as MessageKey)}</Tag>;
}

const regTone: Record<string, Tone> = {
  DRAFT: 'neutral', OTP_SENT: 'blue', CREATED: 'green', CANCELLED: 'neutral', EXPIRED: 'orange',
};

/** A registration state as a tag. */
export function RegistrationStateTag({ state }: { state: RegistrationState }) {
  const t = useT();
  return <Tag tone={regTone[state]}>{t(`regState.${state}` as MessageKey)}</Tag>;
}

/** Marks a unit that is a service desk (may hold the create-citizen-accounts right). */
export function ServiceDeskTag({ isServiceDesk }: { isServiceDesk: boolean }) {
  const t = useT();
  return isServiceDesk ? <Tag tone="blue">{t('unit.serviceDesk')}</Tag> : null;
}
