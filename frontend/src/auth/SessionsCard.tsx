import type { CSSProperties } from 'react';
import { useState } from 'react';
import { Alert, Button, Flex } from 'antd';
import { Section } from '../components/Page';
import { useMutation } from 'urql';
import { useResetClient } from '../graphql/client';
import { useT } from '../i18n';
import { formatTime } from '../lib/format';
import { ErrorAlert } from '../components/ErrorAlert';
import { useViewer } from './viewer';
import { graphql } from '../gql';

const RevokeSessionMutation = graphql(`
  mutation RevokeSession($sessionID: ID!) {
    revokeSession(sessionID: $sessionID)
  }
`);

const SignOutEverywhereMutation = graphql(`
  mutation SignOutEverywhere {
    signOutEverywhere
  }
`);


// A short, readable name for a browser's user agent string.
function browserName(ua: string | null | undefined): string {
  if (!ua) return '—';
  const m = ua.match(/(Edg|OPR|Chrome|Chromium|Firefox|Safari)\/[\d.]+/);
  const os = ua.match(/\(([^;)]+)/)?.[1] ?? '';
  return m ? `${m[0].split('/')[0].replace('Edg', 'Edge').replace('OPR', 'Opera')}${os ? ` · ${os}` : ''}` : ua.slice(0, 60);
}

/** The viewer's sessions, with sign-out of one or of all (asked twice: it signs this device out too). */
export function SessionsCard({ style }: { style?: CSSProperties }) {
  const t = useT();
  const { viewer, refetch } = useViewer();
  const resetClient = useResetClient();
  const [revokeState, revoke] = useMutation(RevokeSessionMutation);
  const [allState, signOutAll] = useMutation(SignOutEverywhereMutation);
  const [revoked, setRevoked] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const sessions = viewer?.sessions ?? [];
  return (
    <Section title={t('sessions.title')} style={style}>
      <ErrorAlert error={revokeState.error ?? allState.error} />
      {revoked ? <Alert type="success" showIcon role="status" style={{ marginBottom: 8 }} title={t('sessions.revoked')} /> : null}
      {sessions.length === 0 ? <p className="muted">{t('sessions.empty')}</p> : null}
      <ul className="plain-list" data-testid="sessions">
        {sessions.map((s) => {
          const current = s.id === viewer?.currentSessionID;
          return (
            <li key={s.id}>
              <Flex wrap justify="space-between" align="center" gap={8}>
                <div style={{ minWidth: 0, flex: '1 1 220px' }}>
                  <strong style={{ overflowWrap: 'anywhere' }}>{browserName(s.userAgent)}</strong>
                  <div className="muted">{t('sessions.since', { start: formatTime(s.createdAt), seen: formatTime(s.lastSeenAt) })}</div>
                </div>
                {current ? (
                  <span className="badge-current">{t('sessions.current')}</span>
                ) : (
                  <Button
                    size="small"
                    onClick={async () => {
                      const r = await revoke({ sessionID: s.id });
                      if (!r.error) {
                        setRevoked(true);
                        refetch();
                      }
                    }}
                  >
                    {t('sessions.revoke')}
                  </Button>
                )}
              </Flex>
            </li>
          );
        })}
      </ul>
      {confirming ? (
        <div role="group" aria-label={t('sessions.everywhere')} style={{ marginTop: 12 }}>
          <p style={{ marginBottom: 8 }}>{t('sessions.everywhereConfirm')}</p>
          <Flex wrap gap={8}>
            <Button
              danger
              type="primary"
              loading={allState.fetching}
              onClick={async () => {
                const r = await signOutAll({});
                if (!r.error) resetClient();
              }}
            >
              {t('sessions.everywhere')}
            </Button>
            <Button onClick={() => setConfirming(false)}>{t('action.no')}</Button>
          </Flex>
        </div>
      ) : (
        <Button danger style={{ marginTop: 12 }} onClick={() => setConfirming(true)}>
          {t('sessions.everywhere')}
        </Button>
      )}
    </Section>
  );
}
