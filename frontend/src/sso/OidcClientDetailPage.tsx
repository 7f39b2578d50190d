import { useState } from 'react';
import { Alert, App, Button, Card, Descriptions, Flex, Grid, Popconfirm, Result, Skeleton, Space, Table, Typography } from 'antd';
import { ArrowLeftOutlined, EditOutlined, KeyOutlined, PoweroffOutlined } from '@ant-design/icons';
import { Link, useParams } from 'react-router';
import { useMutation, useQuery } from 'urql';
import type { OidcClientQuery as ClientResult } from '../gql/graphql';
import { formatTime } from '../lib/format';
import { ErrorAlert } from '../components/ErrorAlert';
import { OidcClientQuery, RotateOidcClientSecretMutation, SetOidcClientDisabledMutation } from './operations';
import { useSsoT } from './i18n';
import { ClientFormModal } from './ClientFormModal';
import { SecretModal, type IssuedSecret } from './SecretModal';
import { ClientKindTag, ClientStatusTag, DeliveryStatusTag, ScopeTags } from './tags';

type Client = Extract<NonNullable<ClientResult['node']>, { __typename: 'OIDCClient' }>;
type Delivery = Client['recentBackchannelDeliveries'][number];

function URIList({ uris }: { uris: readonly string[] }) {
  const t = useSsoT();
  if (uris.length === 0) return <Typography.Text type="secondary">{t('client.none')}</Typography.Text>;
  return (
    <>
      {uris.map((u) => (
        <div key={u} style={{ wordBreak: 'break-all' }}>
          <Typography.Text code>{u}</Typography.Text>
        </div>
      ))}
    </>
  );
}

/** One relying party: its registration, edit, disable/enable, secret rotation and its back-channel logouts. */
export function OidcClientDetailPage() {
  const t = useSsoT();
  const { message } = App.useApp();
  const { id = '' } = useParams();
  const [{ data, fetching, error }, reexecute] = useQuery({ query: OidcClientQuery, variables: { id } });
  const [disableState, setDisabled] = useMutation(SetOidcClientDisabledMutation);
  const [rotateState, rotate] = useMutation(RotateOidcClientSecretMutation);
  const [editing, setEditing] = useState(false);
  const [issued, setIssued] = useState<IssuedSecret | null>(null);
  const reload = () => reexecute({ requestPolicy: 'network-only' });
  // On a phone the deliveries show time and result, the reason under the result.
  const narrow = !Grid.useBreakpoint().sm;
  // "Now" for the overlap notice: the moment the page opened (render stays pure).
  const [openedAt] = useState(() => Date.now());

  const node = data?.node;
  const client = node && node.__typename === 'OIDCClient' ? node : null;
  if (fetching && !data) return <Card><Skeleton active /></Card>;
  if (error && !data) return <ErrorAlert error={error} />;
  if (!client) {
    return <Result status="404" title={t('clients.notFound')} extra={<Link to="/admin/oidc-clients">{t('clients.backToList')}</Link>} />;
  }
  const until = client.previousSecretValidUntil;
  const overlap = until && Date.parse(until) > openedAt;

  return (
    <Space orientation="vertical" size={24} style={{ width: '100%' }}>
      <Link to="/admin/oidc-clients">
        <ArrowLeftOutlined /> {t('clients.backToList')}
      </Link>
      <Card
        title={
          <span style={{ whiteSpace: 'normal' }} data-testid="client-name">
            {client.name}
          </span>
        }
        extra={<ClientStatusTag disabled={client.disabled} />}
      >
        {client.disabled ? <Alert type="error" showIcon style={{ marginBottom: 16 }} title={t('client.disabledNotice')} /> : null}
        <ErrorAlert error={disableState.error ?? rotateState.error} />
        <Flex gap={8} wrap style={{ marginBottom: 16 }}>
          <Button icon={<EditOutlined />} onClick={() => setEditing(true)}>
            {t('client.edit')}
          </Button>
          {client.public ? null : (
            <Popconfirm
              title={t('client.rotateConfirm', { name: client.name })}
              description={<div style={{ maxWidth: 300 }}>{t('client.rotateWhat')}</div>}
              okText={t('client.rotate')}
              cancelText={t('action.no')}
              onConfirm={async () => {
                const r = await rotate({ id: client.id });
                if (r.data) setIssued(r.data.rotateOIDCClientSecret);
              }}
            >
              <Button icon={<KeyOutlined />} loading={rotateState.fetching}>
                {t('client.rotate')}
              </Button>
            </Popconfirm>
          )}
          {client.disabled ? (
            <Button
              icon={<PoweroffOutlined />}
              loading={disableState.fetching}
              onClick={async () => {
                const r = await setDisabled({ id: client.id, disabled: false });
                if (r.data) message.success(t('client.enabledDone'));
              }}
            >
              {t('client.enable')}
            </Button>
          ) : (
            <Popconfirm
              title={t('client.disableConfirm', { name: client.name })}
              description={<div style={{ maxWidth: 300 }}>{t('client.disableWhat')}</div>}
              okText={t('client.disable')}
              okButtonProps={{ danger: true }}
              cancelText={t('action.no')}
              onConfirm={async () => {
                const r = await setDisabled({ id: client.id, disabled: true });
                if (r.data) message.success(t('client.disabledDone'));
              }}
            >
              <Button danger icon={<PoweroffOutlined />} loading={disableState.fetching}>
                {t('client.disable')}
              </Button>
            </Popconfirm>
          )}
        </Flex>
        <Descriptions column={1} bordered size="small" layout="vertical">
          <Descriptions.Item label={t('client.clientID')}>
            <Typography.Text code copyable style={{ wordBreak: 'break-all' }}>
              {client.id}
            </Typography.Text>
          </Descriptions.Item>
          <Descriptions.Item label={t('clients.unit')}>{client.unit.name}</Descriptions.Item>
          <Descriptions.Item label={t('clients.kind')}>
            <ClientKindTag isPublic={client.public} />
            {overlap ? <Typography.Text type="secondary">{t('client.previousSecret', { time: formatTime(until) })}</Typography.Text> : null}
          </Descriptions.Item>
          <Descriptions.Item label={t('clients.scopes')}>
            <ScopeTags scopes={client.scopes} />
          </Descriptions.Item>
          <Descriptions.Item label={t('client.redirectURIs')}>
            <URIList uris={client.redirectURIs} />
          </Descriptions.Item>
          <Descriptions.Item label={t('client.postLogoutURIs')}>
            <URIList uris={client.postLogoutRedirectURIs} />
          </Descriptions.Item>
          <Descriptions.Item label={t('client.backchannelURI')}>
            <URIList uris={client.backchannelLogoutURI ? [client.backchannelLogoutURI] : []} />
          </Descriptions.Item>
          <Descriptions.Item label={t('clients.createdAt')}>
            {formatTime(client.createdAt)} · {t('client.updatedAt')} {formatTime(client.updatedAt)}
          </Descriptions.Item>
        </Descriptions>
      </Card>
      <Card title={<span style={{ whiteSpace: 'normal' }}>{t('client.deliveries')}</span>}>
        {client.backchannelLogoutURI ? null : <Alert type="info" showIcon style={{ marginBottom: 16 }} title={t('client.noBackchannel')} />}
        <Table<Delivery>
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={client.recentBackchannelDeliveries}
          data-testid="delivery-table"
          locale={{ emptyText: t('client.deliveriesEmpty') }}
          columns={[
            { title: t('client.delivery.at'), width: narrow ? undefined : 170, render: (_: unknown, d) => formatTime(d.createdAt) },
            { title: t('client.delivery.reason'), responsive: ['sm'], render: (_: unknown, d) => t(`logoutReason.${d.reason}`) },
            {
              title: t('client.delivery.status'),
              width: narrow ? undefined : 140,
              render: (_: unknown, d) => (
                <>
                  <DeliveryStatusTag status={d.status} />
                  {narrow ? <div>{t(`logoutReason.${d.reason}`)}</div> : null}
                </>
              ),
            },
            { title: t('client.delivery.attempts'), width: 100, responsive: ['md'], dataIndex: 'attempts' },
            { title: t('client.delivery.http'), width: 100, responsive: ['md'], render: (_: unknown, d) => d.lastHTTPStatus ?? '—' },
            {
              title: t('client.delivery.error'),
              responsive: ['lg'],
              render: (_: unknown, d) => (d.lastError ? <Typography.Text type="danger">{d.lastError}</Typography.Text> : '—'),
            },
            { title: t('client.delivery.deliveredAt'), width: 170, responsive: ['lg'], render: (_: unknown, d) => formatTime(d.deliveredAt) || '—' },
          ]}
        />
      </Card>
      <ClientFormModal
        open={editing}
        client={client}
        onClose={() => setEditing(false)}
        onCreated={() => setEditing(false)}
        onSaved={() => {
          setEditing(false);
          message.success(t('client.saved'));
          reload();
        }}
      />
      <SecretModal
        issued={issued}
        rotated
        onClose={() => {
          setIssued(null);
          reload();
        }}
      />
    </Space>
  );
}
