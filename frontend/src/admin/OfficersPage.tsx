import { useState } from 'react';
import { Button, Flex, Input, Select, Space, Tag as ClosableTag, Typography } from 'antd';
import { PlusOutlined, CloseCircleFilled } from '@ant-design/icons';
import { Link } from 'react-router';
import { useQuery } from 'urql';
import type { AccountStatus, OfficerFieldsFragment, UnitFieldsFragment } from '../gql/graphql';
import { useT } from '../i18n';
import { useCursorPaging } from '../lib/paging';
import { DataTable } from '../components/DataTable';
import { Page } from '../components/Page';
import { AccountStatusTag, ServiceDeskTag, Tag } from '../components/Tags';
import { UnitPicker } from '../components/UnitPicker';
import { AddOfficerModal } from './AddOfficerModal';
import { graphql } from '../gql';

const OfficersQuery = graphql(`
  query Officers($search: String, $status: AccountStatus, $unitID: ID, $first: Int, $after: Cursor, $last: Int, $before: Cursor) {
    officers(search: $search, status: $status, unitID: $unitID, first: $first, after: $after, last: $last, before: $before) {
      totalCount
      pageInfo {
        hasNextPage
        hasPreviousPage
        startCursor
        endCursor
      }
      edges {
        node {
          ...OfficerFields
        }
      }
    }
  }
`);


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
  const runSearch = () => {
    setSearch(typed.trim());
    paging.reset();
  };

  return (
    <Page
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
          style={{ width: 520, maxWidth: '100%' }}
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
          <ClosableTag
            closable
            closeIcon={<CloseCircleFilled aria-label={t('officers.clearUnit')} />}
            onClose={() => {
              setUnit(null);
              paging.reset();
            }}
            style={{ display: 'flex', alignItems: 'center', padding: '0 8px' }}
          >
            {t('field.unit')}: {unit.name}
          </ClosableTag>
        ) : (
          <Button onClick={() => setPicking(true)}>{t('officers.filterUnit')}</Button>
        )}
      </Flex>
      <DataTable<OfficerFieldsFragment>
        connection={data?.officers}
        paging={paging}
        fetching={fetching}
        error={error}
        rowKey={(o) => o.id}
        testId="officer-table"
        empty={
            <Space orientation="vertical" style={{ padding: 16 }}>
              <Typography.Text>{t('officers.empty')}</Typography.Text>
              <Typography.Text type="secondary">{t('officers.emptyHint')}</Typography.Text>
              <Button icon={<PlusOutlined />} onClick={() => setAdding(true)}>
                {t('officers.add')}
              </Button>
            </Space>
        }
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
                {o.permissions.includes('CREATE_CITIZEN_ACCOUNTS') ? <Tag tone="green">{t('officers.canCreate')}</Tag> : null}
                {o.isSuperAdmin ? (
                  <Tag tone="magenta">{t('officers.superAdmin')}</Tag>
                ) : o.isAdmin ? (
                  <Tag tone="purple">{t('officers.admin')}</Tag>
                ) : null}
              </Space>
            ),
          },
          {
            title: t('field.actions'),
            width: 90,
            render: (_: unknown, o) => (
              <Link to={`/admin/officers/${o.id}`} aria-label={t('officers.openNamed', { name: o.account.fullName })}>
                {t('action.open')}
              </Link>
            ),
          },
        ]}
        phoneRow={(o) => (
          <>
            <Flex wrap justify="space-between" gap={8}>
              <Link to={`/admin/officers/${o.id}`}>{o.account.fullName}</Link>
              <AccountStatusTag status={o.account.status} />
            </Flex>
            <Typography.Text type="secondary">
              {o.account.idNumberMasked} · {o.account.phoneMasked}
            </Typography.Text>
            <Typography.Text>{o.unit ? o.unit.name : t('officers.noUnit')}</Typography.Text>
          </>
        )}
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
    </Page>
  );
}
