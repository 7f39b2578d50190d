import { useState } from 'react';
import { Button, Card, Flex, Grid, Input, Space, Table, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { Link, useNavigate } from 'react-router';
import { useQuery } from 'urql';
import type { OidcClientFieldsFragment } from '../gql/graphql';
import { useCursorPaging } from '../lib/paging';
import { CursorPager } from '../components/CursorPager';
import { ErrorAlert } from '../components/ErrorAlert';
import { OidcClientsQuery } from './operations';
import { useSsoT } from './i18n';
import { formatDay } from './format';
import { ClientFormModal } from './ClientFormModal';
import { SecretModal, type IssuedSecret } from './SecretModal';
import { ClientKindTag, ClientStatusTag, ScopeTags } from './tags';

/** The admins' registry of relying parties: search, page, register. */
export function OidcClientsPage() {
  const t = useSsoT();
  const navigate = useNavigate();
  const [typed, setTyped] = useState('');
  const [search, setSearch] = useState('');
  const [adding, setAdding] = useState(false);
  const [issued, setIssued] = useState<IssuedSecret | null>(null);
  const paging = useCursorPaging(20);
  const screens = Grid.useBreakpoint();
  const add = (
    <Button type="primary" icon={<PlusOutlined />} onClick={() => setAdding(true)} block={!screens.sm}>
      {t('clients.add')}
    </Button>
  );
  const [{ data, fetching, error }, reexecute] = useQuery({
    query: OidcClientsQuery,
    variables: { search: search || null, ...paging.variables },
  });
  const conn = data?.oidcClients;
  const rows = (conn?.edges ?? []).flatMap((e) => (e?.node ? [e.node] : []));

  return (
    <Card
      title={t('clients.title')}
      // On a phone the button would squeeze the title: it goes into the body.
      extra={screens.sm ? add : null}
    >
      {screens.sm ? null : <div style={{ marginBottom: 12 }}>{add}</div>}
      <Typography.Paragraph type="secondary">{t('clients.intro')}</Typography.Paragraph>
      <Flex gap={12} wrap style={{ marginBottom: 16 }} role="search">
        <Input.Search
          aria-label={t('clients.searchLabel')}
          placeholder={t('clients.searchPlaceholder')}
          value={typed}
          onChange={(e) => setTyped(e.target.value)}
          onSearch={() => {
            setSearch(typed.trim());
            paging.reset();
          }}
          enterButton={t('action.search')}
          allowClear
          style={{ width: 480, maxWidth: '100%' }}
        />
      </Flex>
      <ErrorAlert error={error} />
      <Table<OidcClientFieldsFragment>
        rowKey="id"
        size="middle"
        loading={fetching}
        dataSource={rows}
        pagination={false}
        data-testid="client-table"
        locale={{
          emptyText: (
            <Space orientation="vertical" style={{ padding: 16 }}>
              <Typography.Text>{search ? t('clients.emptySearch', { search }) : t('clients.empty')}</Typography.Text>
              {search ? null : (
                <Button icon={<PlusOutlined />} onClick={() => setAdding(true)}>
                  {t('clients.add')}
                </Button>
              )}
            </Space>
          ),
        }}
        columns={[
          {
            title: t('clients.name'),
            render: (_: unknown, c) => (
              <Space orientation="vertical" size={0}>
                <Link to={`/admin/oidc-clients/${c.id}`} aria-label={t('clients.openNamed', { name: c.name })}>
                  {c.name}
                </Link>
                {/* Below md the unit column is hidden: name the unit here. */}
                {screens.md ? null : (
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {c.unit.name}
                  </Typography.Text>
                )}
              </Space>
            ),
          },
          { title: t('clients.unit'), responsive: ['md'], render: (_: unknown, c) => c.unit.name },
          { title: t('clients.kind'), width: 120, responsive: ['lg'], render: (_: unknown, c) => <ClientKindTag isPublic={c.public} /> },
          { title: t('clients.scopes'), width: 240, responsive: ['xl'], render: (_: unknown, c) => <ScopeTags scopes={c.scopes} /> },
          { title: t('clients.status'), width: screens.sm ? 140 : undefined, render: (_: unknown, c) => <ClientStatusTag disabled={c.disabled} /> },
          { title: t('clients.createdAt'), width: 130, responsive: ['lg'], render: (_: unknown, c) => formatDay(c.createdAt) },
        ]}
      />
      <CursorPager
        page={paging.page}
        pageSize={paging.pageSize}
        totalCount={conn?.totalCount}
        hasNextPage={conn?.pageInfo.hasNextPage}
        onPrev={paging.prev}
        onNext={() => paging.next(conn?.pageInfo.endCursor)}
      />
      <ClientFormModal
        open={adding}
        onClose={() => setAdding(false)}
        onCreated={(r) => {
          setAdding(false);
          setIssued(r);
          reexecute({ requestPolicy: 'network-only' });
        }}
        onSaved={() => setAdding(false)}
      />
      <SecretModal
        issued={issued}
        onClose={() => {
          const id = issued?.client.id;
          setIssued(null);
          if (id) navigate(`/admin/oidc-clients/${id}`);
        }}
      />
    </Card>
  );
}
