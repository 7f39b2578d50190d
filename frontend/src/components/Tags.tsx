import { Tag } from 'antd';
import { useT } from '../i18n';
import type { AccountStatus, AccountOrigin, RegistrationState, SmsStatus } from '../gql/graphql';
import type { MessageKey } from '../i18n/messages';

const accountColor: Record<string, string> = { ACTIVE: 'green', NOT_ACTIVATED: 'default', LOCKED: 'red' };

/** An account status as a coloured tag. */
export function AccountStatusTag({ status }: { status: AccountStatus }) {
  const t = useT();
  return <Tag color={accountColor[status]}>{t(`accountStatus.${status}` as MessageKey)}</Tag>;
}

/** An account origin as a tag; VNPost accounts stand out because they can never be officers. */
export function OriginTag({ origin }: { origin: AccountOrigin }) {
  const t = useT();
  return <Tag color={origin === 'VNPOST' ? 'orange' : undefined}>{t(`origin.${origin}` as MessageKey)}</Tag>;
}

const smsColor: Record<string, string> = {
  QUEUED: 'default', SENDING: 'processing', SENT: 'blue', DELIVERED: 'success',
  UNDELIVERED: 'error', FAILED: 'error', EXPIRED: 'warning', NO_REPORT: 'warning',
};

/** An SMS delivery status as a tag. */
export function SmsStatusTag({ status }: { status: SmsStatus }) {
  const t = useT();
  return <Tag color={smsColor[status]}>{t(`smsStatus.${status}` as MessageKey)}</Tag>;
}

const regColor: Record<string, string> = {
  DRAFT: 'default', OTP_SENT: 'processing', CREATED: 'success', CANCELLED: 'default', EXPIRED: 'warning',
};

/** A registration state as a tag. */
export function RegistrationStateTag({ state }: { state: RegistrationState }) {
  const t = useT();
  return <Tag color={regColor[state]}>{t(`regState.${state}` as MessageKey)}</Tag>;
}

/** Marks a unit that is a service desk (may hold the create-citizen-accounts right). */
export function ServiceDeskTag({ isServiceDesk }: { isServiceDesk: boolean }) {
  const t = useT();
  return isServiceDesk ? <Tag color="geekblue">{t('unit.serviceDesk')}</Tag> : null;
}
