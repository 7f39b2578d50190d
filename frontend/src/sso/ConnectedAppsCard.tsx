import { App, Button, Card, Grid, List, Popconfirm, Space, Typography } from 'antd';
import { useMutation, useQuery } from 'urql';
import { ErrorAlert } from '../components/ErrorAlert';
import { formatTime } from '../lib/format';
import { ConnectedAppsQuery, RevokeConnectedAppMutation } from './operations';
import { useSsoT } from './i18n';
import { scopeWords } from './scopes';
import { formatDay } from './format';

/**
 * "Ứng dụng đã liên kết" on the account page: the systems that hold a grant of
 * the signed-in account, since when, what they receive; revoking one signs it out.
 */
export function ConnectedAppsCard() {
  const t = useSsoT();
  const { message } = App.useApp();
  const [{ data, fetching, error }, reexecute] = useQuery({ query: ConnectedAppsQuery, requestPolicy: 'cache-and-network' });
  const [revokeState, revoke] = useMutation(RevokeConnectedAppMutation);
  const apps = data?.connectedApps ?? [];
  // On a phone the revoke button goes under the text instead of beside it.
  const narrow = !Grid.useBreakpoint().sm;
  return (
    <Card title={t('apps.title')} data-testid="connected-apps">
      <Typography.Paragraph type="secondary">{t('apps.intro')}</Typography.Paragraph>
      <ErrorAlert error={error ?? revokeState.error} />
      <List
        itemLayout={narrow ? 'vertical' : 'horizontal'}
        loading={fetching && !data}
        dataSource={apps}
        locale={{ emptyText: <Typography.Text type="secondary">{t('apps.empty')}</Typography.Text> }}
        renderItem={(a) => (
          <List.Item
            data-testid="connected-app"
            data-client-id={a.clientID}
            actions={[
              <Popconfirm
                key="revoke"
                title={t('apps.revokeConfirm', { client: a.clientName })}
                description={<div style={{ maxWidth: 280 }}>{t('apps.revokeWhat')}</div>}
                okText={t('apps.revoke')}
                okButtonProps={{ danger: true }}
                cancelText={t('action.no')}
                onConfirm={async () => {
                  const r = await revoke({ clientID: a.clientID });
                  if (r.error) return;
                  message.success(t('apps.revoked', { client: a.clientName }));
                  reexecute({ requestPolicy: 'network-only' });
                }}
              >
                <Button danger size="small" aria-label={t('apps.revokeNamed', { client: a.clientName })}>
                  {t('apps.revoke')}
                </Button>
              </Popconfirm>,
            ]}
          >
            <List.Item.Meta
              title={<Typography.Text strong>{a.clientName}</Typography.Text>}
              description={
                <Space orientation="vertical" size={2}>
                  <Typography.Text type="secondary">
                    {t('apps.since', { date: formatDay(a.grantedAt) })} ·{' '}
                    {a.lastUsedAt ? t('apps.lastUsed', { time: formatTime(a.lastUsedAt) }) : t('apps.neverUsed')}
                  </Typography.Text>
                  <Typography.Text>{t('apps.data', { data: scopeWords(a.scopes, t) })}</Typography.Text>
                </Space>
              }
            />
          </List.Item>
        )}
      />
    </Card>
  );
}
