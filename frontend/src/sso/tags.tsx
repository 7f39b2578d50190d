import { Tag } from 'antd';
import type { OidcDeliveryStatus } from '../gql/graphql';
import { useSsoT } from './i18n';

/** Enabled or disabled, as a tag. */
export function ClientStatusTag({ disabled }: { disabled: boolean }) {
  const t = useSsoT();
  return disabled ? <Tag color="red">{t('clients.disabled')}</Tag> : <Tag color="green">{t('clients.enabled')}</Tag>;
}

/** Confidential (holds a secret) or public (PKCE only), as a tag. */
export function ClientKindTag({ isPublic }: { isPublic: boolean }) {
  const t = useSsoT();
  return isPublic ? <Tag>{t('clients.public')}</Tag> : <Tag color="geekblue">{t('clients.confidential')}</Tag>;
}

const deliveryColor: Record<OidcDeliveryStatus, string> = { PENDING: 'processing', DELIVERED: 'success', FAILED: 'error' };

/** The result of a back-channel logout delivery, as a tag. */
export function DeliveryStatusTag({ status }: { status: OidcDeliveryStatus }) {
  const t = useSsoT();
  return <Tag color={deliveryColor[status]}>{t(`deliveryStatus.${status}`)}</Tag>;
}

/** The scope names as small tags; vn_identity stands out. */
export function ScopeTags({ scopes }: { scopes: readonly string[] }) {
  return (
    <>
      {scopes.map((s) => (
        <Tag key={s} color={s === 'vn_identity' ? 'orange' : undefined} style={{ marginBottom: 4 }}>
          {s}
        </Tag>
      ))}
    </>
  );
}
