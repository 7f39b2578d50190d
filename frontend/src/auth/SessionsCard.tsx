import { App, Button, Card, List, Popconfirm, Tag, Typography } from 'antd';
import { useMutation } from 'urql';
import { RevokeSessionMutation, SignOutEverywhereMutation } from '../graphql/operations';
import { useResetClient } from '../graphql/client';
import { useT } from '../i18n';
import { formatTime } from '../lib/format';
import { ErrorAlert } from '../components/ErrorAlert';
import { useViewer } from './viewer';

// A short, readable name for a browser's user agent string.
function browserName(ua: string | null | undefined): string {
  if (!ua) return '—';
  const m = ua.match(/(Edg|OPR|Chrome|Chromium|Firefox|Safari)\/[\d.]+/);
  const os = ua.match(/\(([^;)]+)/)?.[1] ?? '';
  return m ? `${m[0].split('/')[0].replace('Edg', 'Edge').replace('OPR', 'Opera')}${os ? ` · ${os}` : ''}` : ua.slice(0, 60);
}

/** The viewer's sessions, with sign-out of one or of all. */
export function SessionsCard() {
  const t = useT();
  const { message } = App.useApp();
  const { viewer, refetch } = useViewer();
  const resetClient = useResetClient();
  const [revokeState, revoke] = useMutation(RevokeSessionMutation);
  const [allState, signOutAll] = useMutation(SignOutEverywhereMutation);
  const sessions = viewer?.sessions ?? [];
  return (
    <Card
      title={t('sessions.title')}
      extra={
        <Popconfirm
          title={t('sessions.everywhereConfirm')}
          okText={t('sessions.everywhere')}
          cancelText={t('action.no')}
          onConfirm={async () => {
            const r = await signOutAll({});
            if (!r.error) resetClient();
          }}
        >
          <Button danger loading={allState.fetching}>{t('sessions.everywhere')}</Button>
        </Popconfirm>
      }
    >
      <ErrorAlert error={revokeState.error ?? allState.error} />
      <List
        dataSource={sessions}
        locale={{ emptyText: t('sessions.empty') }}
        renderItem={(s) => {
          const current = s.id === viewer?.currentSessionID;
          return (
            <List.Item
              actions={
                current
                  ? [<Tag color="green" key="c">{t('sessions.current')}</Tag>]
                  : [
                      <Button
                        key="r"
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
                      </Button>,
                    ]
              }
            >
              <List.Item.Meta
                title={browserName(s.userAgent)}
                description={
                  <Typography.Text type="secondary">
                    {t('sessions.since', { start: formatTime(s.createdAt), seen: formatTime(s.lastSeenAt) })}
                  </Typography.Text>
                }
              />
            </List.Item>
          );
        }}
      />
    </Card>
  );
}
