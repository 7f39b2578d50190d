import { useState } from 'react';
import { Alert, App, Button, Checkbox, Flex, Modal, Space, Typography } from 'antd';
import { CopyOutlined } from '@ant-design/icons';
import { formatTime } from '../lib/format';
import { useSsoT } from './i18n';

/** What createOIDCClient and rotateOIDCClientSecret answer. */
export interface IssuedSecret {
  client: { id: string; name: string; public: boolean; previousSecretValidUntil?: string | null };
  clientSecret?: string | null;
}

/** A value in monospace that wraps on narrow screens, with a copy button. */
function CopyField({ label, value, testId }: { label: string; value: string; testId: string }) {
  const t = useSsoT();
  const { message } = App.useApp();
  return (
    <div>
      <Typography.Text strong style={{ display: 'block', marginBottom: 4 }}>
        {label}
      </Typography.Text>
      <Flex gap={8} align="flex-start">
        <code
          data-testid={testId}
          style={{
            flex: 1,
            minWidth: 0,
            wordBreak: 'break-all',
            background: '#f5f5f5',
            border: '1px solid #d9d9d9',
            borderRadius: 6,
            padding: '6px 10px',
            fontSize: 14,
          }}
        >
          {value}
        </code>
        <Button
          icon={<CopyOutlined />}
          aria-label={`${t('secret.copy')}: ${label}`}
          onClick={async () => {
            try {
              await navigator.clipboard.writeText(value);
              message.success(t('secret.copied'));
            } catch {
              message.error(t('secret.copyFailed'));
            }
          }}
        >
          {t('secret.copy')}
        </Button>
      </Flex>
    </div>
  );
}

/**
 * Shows a client's id and its new secret, this once: the server keeps only a hash.
 * The dialog closes only by its button, and for a secret only once the admin says
 * it is stored.
 */
export function SecretModal({ issued, rotated, onClose }: { issued: IssuedSecret | null; rotated?: boolean; onClose: () => void }) {
  const t = useSsoT();
  const [stored, setStored] = useState(false);
  const secret = issued?.clientSecret ?? null;
  const until = issued?.client.previousSecretValidUntil;
  const close = () => {
    setStored(false);
    onClose();
  };
  return (
    <Modal
      open={!!issued}
      title={t(rotated ? 'secret.rotatedTitle' : 'secret.createdTitle')}
      closable={false}
      mask={{ closable: false }}
      keyboard={false}
      width={620}
      destroyOnHidden
      footer={
        <Button type="primary" disabled={!!secret && !stored} onClick={close} data-testid="secret-close">
          {t('secret.close')}
        </Button>
      }
    >
      {issued ? (
        <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="secret-modal">
          {secret ? <Alert type="warning" showIcon title={t('secret.warning')} /> : null}
          <Typography.Text>{issued.client.name}</Typography.Text>
          <CopyField label={t('client.clientID')} value={issued.client.id} testId="issued-client-id" />
          {secret ? (
            <CopyField label={t('secret.label')} value={secret} testId="issued-secret" />
          ) : (
            <Alert type="info" showIcon title={t('secret.publicNote')} />
          )}
          {rotated && until ? <Typography.Text>{t('secret.previousUntil', { time: formatTime(until) })}</Typography.Text> : null}
          {secret ? (
            <Checkbox checked={stored} onChange={(e) => setStored(e.target.checked)} data-testid="secret-stored">
              {t('secret.saved')}
            </Checkbox>
          ) : null}
        </Space>
      ) : null}
    </Modal>
  );
}
