import { useState } from 'react';
import { Button, Card, Flex, Input, Select, Space, Table, Tag, Typography } from 'antd';
import { PlusOutlined, CloseCircleFilled } from '@ant-design/icons';
import { Link } from 'react-router';
import { useQuery } from 'urql';
import { OfficersQuery } from '../graphql/operations';
import type { AccountStatus, OfficerFieldsFragment, UnitFieldsFragment } from '../gql/graphql';
import { useT } from '../i18n';
import { useCursorPaging } from '../lib/paging';
import { CursorPager } from '../components/CursorPager';
import { ErrorAlert } from '../components/ErrorAlert';
import { AccountStatusTag, ServiceDeskTag } from '../components/Tags';
import { UnitPicker } from '../components/UnitPicker';
import { AddOfficerModal } from './AddOfficerModal';

/** User management (source §2 step 1): find officers by one search box, status and unit. */
export function OfficersPage() {
  const t = useT();
  const [typed, setTyped] = useState('');
  const [search, setSearch] = useState('');
  const [status, setStatus] = useState<AccountStatus | ''>('');
  const [unit, setUnit] = useState<UnitFieldsFragment | null>(null);
  const [picking, setPicking] = useState(false);
  const [adding, setAdding] = useState(false);
  const paging = useCursorPaging(20);
  const [{ data, fetching, error }] = useQuery({
    query: OfficersQuery,
    variables: { search: search || null, status: status || null, unitID: unit?.id ?? null, ...paging.variables },
  });
  const conn = data?.officers;
  const rows = (conn?.edges ?? []).flatMap((e) => (e?.node ? [e.node] : []));
  const runSearch = () => {
    setSearch(typed.trim());
    paging.reset();
  };

  return (
    <Card
      title={t('officers.title')}
      extra={
        <Button icon={<PlusOutlined />} onClick={() => setAdding(true)}>
          {t('officers.add')}
        </Button>
      }
    >
      <Flex gap={12} wrap style={{ marginBottom: 16 }} role="search">
        <Input.Search
          aria-label={t('officers.searchLabel')}
          placeholder={t('officers.searchPlaceholder')}
          value={typed}
          onChange={(e) => setTyped(e.target.value)}
          onSearch={runSearch}
          enterButton={t('action.search')}
          allowClear
          style={{ width: 520 }}
          data-testid="officer-search"
        />
        <Select<AccountStatus | ''>
          aria-label={t('field.status')}
          value={status}
          onChange={(v) => {
            setStatus(v);
            paging.reset();
          }}
          style={{ width: 190 }}
          options={[
            { value: '', label: t('officers.anyStatus') },
            { value: 'ACTIVE', label: t('accountStatus.ACTIVE') },
            { value: 'NOT_ACTIVATED', label: t('accountStatus.NOT_ACTIVATED') },
            { value: 'LOCKED', label: t('accountStatus.LOCKED') },
          ]}
        />
        {unit ? (
          <Tag
            closable
            closeIcon={<CloseCircleFilled aria-label={t('officers.clearUnit')} />}
            onClose={() => {
              setUnit(null);
              paging.reset();
            }}
            style={{ display: 'flex', alignItems: 'center', padding: '0 8px' }}
          >
            {t('field.unit')}: {unit.name}
          </Tag>
        ) : (
          <Button onClick={() => setPicking(true)}>{t('officers.filterUnit')}</Button>
        )}
      </Flex>
      <ErrorAlert error={error} />
      <Table<OfficerFieldsFragment>
        rowKey="id"
        size="middle"
        loading={fetching}
        dataSource={rows}
        pagination={false}
        data-testid="officer-table"
        locale={{
          emptyText: (
            <Space orientation="vertical" style={{ padding: 16 }}>
              <Typography.Text>{t('officers.empty')}</Typography.Text>
              <Typography.Text type="secondary">{t('officers.emptyHint')}</Typography.Text>
              <Button icon={<PlusOutlined />} onClick={() => setAdding(true)}>
                {t('officers.add')}
              </Button>
            </Space>
          ),
        }}
        columns={[
          {
            title: t('field.fullName'),
            width: 210,
            render: (_: unknown, o) => <Link to={`/admin/officers/${o.id}`}>{o.account.fullName}</Link>,
          },
          { title: t('field.idNumber'), render: (_: unknown, o) => o.account.idNumberMasked, width: 140 },
          { title: t('field.phone'), render: (_: unknown, o) => o.account.phoneMasked, width: 150 },
          {
            title: t('field.unit'),
            render: (_: unknown, o) =>
              o.unit ? (
                <span>
                  {o.unit.name} <ServiceDeskTag isServiceDesk={o.unit.isServiceDesk} />
                </span>
              ) : (
                <Typography.Text type="secondary">{t('officers.noUnit')}</Typography.Text>
              ),
          },
          { title: t('field.status'), width: 130, render: (_: unknown, o) => <AccountStatusTag status={o.account.status} /> },
          {
            title: t('officers.rights'),
            width: 190,
            render: (_: unknown, o) => (
              <Space size={4} wrap>
                {o.permissions.includes('CREATE_CITIZEN_ACCOUNTS') ? <Tag color="green">{t('officers.canCreate')}</Tag> : null}
                {o.isSuperAdmin ? (
                  <Tag color="magenta">{t('officers.superAdmin')}</Tag>
                ) : o.isAdmin ? (
                  <Tag color="purple">{t('officers.admin')}</Tag>
                ) : null}
              </Space>
            ),
          },
          {
            title: '',
            width: 90,
            render: (_: unknown, o) => (
              <Link to={`/admin/officers/${o.id}`} aria-label={t('officers.openNamed', { name: o.account.fullName })}>
                {t('action.open')}
              </Link>
            ),
          },
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
      <UnitPicker
        open={picking}
        title={t('officers.filterUnit')}
        onCancel={() => setPicking(false)}
        onPick={(u) => {
          setUnit(u);
          setPicking(false);
          paging.reset();
        }}
      />
      <AddOfficerModal open={adding} onClose={() => setAdding(false)} />
    </Card>
  );
}
