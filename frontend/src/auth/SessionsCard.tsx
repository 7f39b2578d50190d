import type { CSSProperties } from 'react';
import { App, Button, Flex, List, Popconfirm, Tag, Typography } from 'antd';
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

/** The viewer's sessions, with sign-out of one or of all. */
export function SessionsCard({ style }: { style?: CSSProperties }) {
  const t = useT();
  const { message } = App.useApp();
  const { viewer, refetch } = useViewer();
  const resetClient = useResetClient();
  const [revokeState, revoke] = useMutation(RevokeSessionMutation);
  const [allState, signOutAll] = useMutation(SignOutEverywhereMutation);
  const sessions = viewer?.sessions ?? [];
  return (
    <Section title={t('sessions.title')} style={style}>
      <ErrorAlert error={revokeState.error ?? allState.error} />
      <List
        dataSource={sessions}
        locale={{ emptyText: t('sessions.empty') }}
        renderItem={(s) => {
          const current = s.id === viewer?.currentSessionID;
          return (
            <List.Item style={{ display: 'block', paddingInline: 0 }}>
              <Flex wrap justify="space-between" align="center" gap={8}>
                <div style={{ minWidth: 0, flex: '1 1 220px' }}>
                  <Typography.Text strong style={{ overflowWrap: 'anywhere' }}>{browserName(s.userAgent)}</Typography.Text>
                  <div>
                    <Typography.Text type="secondary">
                      {t('sessions.since', { start: formatTime(s.createdAt), seen: formatTime(s.lastSeenAt) })}
                    </Typography.Text>
                  </div>
                </div>
                {current ? (
                  <Tag color="green">{t('sessions.current')}</Tag>
                ) : (
                  <Button
                    size="small"
                    onClick={async () => {
                      const r = await revoke({ sessionID: s.id });
                      if (!r.error) {
                        message.success(t('sessions.revoked'));
                        refetch();
                      }
                    }}
                  >
                    {t('sessions.revoke')}
                  </Button>
                )}
              </Flex>
            </List.Item>
          );
        }}
      />
      <Popconfirm
        title={t('sessions.everywhereConfirm')}
        okText={t('sessions.everywhere')}
        cancelText={t('action.no')}
        onConfirm={async () => {
          const r = await signOutAll({});
          if (!r.error) resetClient();
        }}
      >
        <Button danger loading={allState.fetching} style={{ marginTop: 8 }}>
          {t('sessions.everywhere')}
        </Button>
      </Popconfirm>
    </Section>
  );
}
