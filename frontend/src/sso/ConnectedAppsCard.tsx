import { useCallback, useState } from 'react';
import { Alert, Button, Flex } from 'antd';
import { useMutation, useQuery } from 'urql';
import { ErrorAlert } from '../components/ErrorAlert';
import { Section } from '../components/Page';
import { formatTime } from '../lib/format';
import { ConnectedAppsQuery, RevokeConnectedAppMutation } from './operations';
import { useLang, type Vars } from '../i18n';
import type { MessageKey } from '../i18n/messages';
import { appsEn, appsVi, type AppsKey } from './appsMessages';
import { scopeWords } from './scopes';
import { formatDay } from './format';

/**
 * "Ứng dụng đã liên kết" on the account page: the systems that hold a grant of
 * the signed-in account, since when, what they receive; revoking one signs it out.
 * Built from the light components of the citizen's pages (no antd Card/List/Popconfirm),
 * so that the account page stays within its download budget on a phone.
 */
export function ConnectedAppsCard() {
  const t = useAppsT();
  const [{ data, fetching, error }, reexecute] = useQuery({ query: ConnectedAppsQuery, requestPolicy: 'network-only' });
  const [revokeState, revoke] = useMutation(RevokeConnectedAppMutation);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [revoked, setRevoked] = useState<string | null>(null);
  const apps = data?.connectedApps ?? [];
  return (
    <Section title={t('apps.title')} testId="connected-apps">
      <p className="muted">{t('apps.intro')}</p>
      <ErrorAlert error={error ?? revokeState.error} />
      {revoked ? <Alert type="success" showIcon role="status" style={{ marginBottom: 12 }} title={t('apps.revoked', { client: revoked })} /> : null}
      {fetching && !data ? <p className="muted">…</p> : null}
      {data && apps.length === 0 ? <p className="muted">{t('apps.empty')}</p> : null}
      <ul style={{ listStyle: 'none', margin: 0, padding: 0 }}>
        {apps.map((a) => (
          <li key={a.clientID} data-testid="connected-app" data-client-id={a.clientID} style={{ padding: '12px 0', borderTop: '1px solid #f0f0f0' }}>
            <strong>{a.clientName}</strong>
            <div className="muted">
              {t('apps.since', { date: formatDay(a.grantedAt) })} ·{' '}
              {a.lastUsedAt ? t('apps.lastUsed', { time: formatTime(a.lastUsedAt) }) : t('apps.neverUsed')}
            </div>
            <div>{t('apps.data', { data: scopeWords(a.scopes, (k) => t(k as AppsKey)) })}</div>
            {confirming === a.clientID ? (
              <div role="group" aria-label={t('apps.revokeConfirm', { client: a.clientName })} style={{ marginTop: 8 }}>
                <div>{t('apps.revokeConfirm', { client: a.clientName })}</div>
                <div className="muted" style={{ marginBottom: 8 }}>{t('apps.revokeWhat')}</div>
                <Flex gap={8} wrap>
                  <Button
                    danger
                    size="small"
                    loading={revokeState.fetching}
                    onClick={async () => {
                      const r = await revoke({ clientID: a.clientID });
                      if (r.error) return;
                      setConfirming(null);
                      setRevoked(a.clientName);
                      reexecute({ requestPolicy: 'network-only' });
                    }}
                  >
                    {t('apps.revoke')}
                  </Button>
                  <Button size="small" onClick={() => setConfirming(null)}>
                    {t('action.no')}
                  </Button>
                </Flex>
              </div>
            ) : (
              <Button danger size="small" style={{ marginTop: 8 }} aria-label={t('apps.revokeNamed', { client: a.clientName })} onClick={() => setConfirming(a.clientID)}>
                {t('apps.revoke')}
              </Button>
            )}
          </li>
        ))}
      </ul>
    </Section>
  );
}

/** t() of the card: its own small dictionary, the shared one for common words. */
function useAppsT(): (key: AppsKey | MessageKey, vars?: Vars) => string {
  const { lang, t } = useLang();
  return useCallback(
    (key: AppsKey | MessageKey, vars?: Vars) => {
      if (!Object.hasOwn(appsVi, key)) return t(key as MessageKey, vars);
      const text: string = (lang === 'en' ? appsEn : appsVi)[key as AppsKey];
      return vars ? text.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m)) : text;
    },
    [lang, t],
  );
}
