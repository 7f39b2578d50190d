import { Button, Flex, Tabs, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { Link, useNavigate } from 'react-router';
import { useQuery } from 'urql';
import type { AccountFieldsFragment, MyRegistrationsQuery as MyRegs } from '../gql/graphql';
import { useT } from '../i18n';
import { formatDate, formatTime } from '../lib/format';
import { useCursorPaging } from '../lib/paging';
import { DataTable } from '../components/DataTable';
import { Page } from '../components/Page';
import { AccountStatusTag, RegistrationStateTag } from '../components/Tags';
import { useViewer } from '../auth/viewer';
import { DeskReadiness, deskProblem } from './DeskReadiness';
import { graphql } from '../gql';

const CitizenAccountsCreatedByMeQuery = graphql(`
  query CitizenAccountsCreatedByMe($first: Int, $after: Cursor, $last: Int, $before: Cursor) {
    citizenAccountsCreatedByMe(first: $first, after: $after, last: $last, before: $before) {
      totalCount
      pageInfo {
        hasNextPage
        hasPreviousPage
        startCursor
        endCursor
      }
      edges {
        node {
          ...AccountFields
        }
      }
    }
  }
`);

const MyRegistrationsQuery = graphql(`
  query MyRegistrations($first: Int, $after: Cursor, $last: Int, $before: Cursor) {
    registrations(first: $first, after: $after, last: $last, before: $before) {
      totalCount
      pageInfo {
        hasNextPage
        hasPreviousPage
        startCursor
        endCursor
      }
      edges {
        node {
          id
          state
          fullName
          phoneMasked
          createdAt
        }
      }
    }
  }
`);


type RegRow = NonNullable<NonNullable<NonNullable<MyRegs['registrations']['edges']>[number]>['node']>;

/** "Create citizen account" (source §3 step 1): the accounts this officer created, and cases in progress. */
export function CitizenAccountsPage() {
  const t = useT();
  const navigate = useNavigate();
  const { viewer } = useViewer();
  const ready = deskProblem(viewer) === null;
  return (
    <Page
      title={t('citizens.title')}
      extra={
        <Button type="primary" icon={<PlusOutlined />} disabled={!ready} onClick={() => navigate('/officer/registrations/new')}>
          {t('citizens.add')}
        </Button>
      }
    >
      <DeskReadiness viewer={viewer} />
      <Tabs
        items={[
          { key: 'accounts', label: t('citizens.tabAccounts'), children: <CreatedAccounts /> },
          { key: 'cases', label: t('citizens.tabCases'), children: <MyRegistrations /> },
        ]}
      />
    </Page>
  );
}

function CreatedAccounts() {
  const t = useT();
  const paging = useCursorPaging(20);
  const [{ data, fetching, error }] = useQuery({ query: CitizenAccountsCreatedByMeQuery, variables: paging.variables });
  return (
    <DataTable<AccountFieldsFragment>
      connection={data?.citizenAccountsCreatedByMe}
      paging={paging}
      fetching={fetching}
      error={error}
      rowKey={(a) => a.id}
      testId="created-accounts"
      empty={t('citizens.empty')}
      columns={[
        { title: t('field.fullName'), dataIndex: 'fullName' },
        { title: t('field.idNumber'), dataIndex: 'idNumberMasked', width: 150 },
        { title: t('field.dateOfBirth'), dataIndex: 'dateOfBirth', width: 130, render: (v: string) => formatDate(v) },
        { title: t('field.phone'), dataIndex: 'phoneMasked', width: 160 },
        { title: t('field.status'), width: 150, render: (_: unknown, a) => <AccountStatusTag status={a.status} /> },
        { title: t('field.createdAt'), dataIndex: 'createdAt', width: 180, render: (v: string) => formatTime(v) },
      ]}
      phoneRow={(a) => (
        <>
          <Flex wrap justify="space-between" gap={8}>
            <Typography.Text strong>{a.fullName}</Typography.Text>
            <AccountStatusTag status={a.status} />
          </Flex>
          <Typography.Text type="secondary">
            {a.idNumberMasked} · {a.phoneMasked}
          </Typography.Text>
          <Typography.Text type="secondary">{t('citizens.createdAt', { time: formatTime(a.createdAt) })}</Typography.Text>
        </>
      )}
    />
  );
}

function MyRegistrations() {
  const t = useT();
  const paging = useCursorPaging(20);
  const [{ data, fetching, error }] = useQuery({ query: MyRegistrationsQuery, variables: paging.variables });
  const open = (r: RegRow) => (
    <Link to={`/officer/registrations/${r.id}`} aria-label={`${r.state === 'DRAFT' || r.state === 'OTP_SENT' ? t('citizens.resume') : t('action.open')}: ${r.fullName}`}>
      {r.state === 'DRAFT' || r.state === 'OTP_SENT' ? t('citizens.resume') : t('action.open')}
    </Link>
  );
  return (
    <DataTable<RegRow>
      connection={data?.registrations}
      paging={paging}
      fetching={fetching}
      error={error}
      rowKey={(r) => r.id}
      empty={t('citizens.noCases')}
      columns={[
        { title: t('field.fullName'), dataIndex: 'fullName' },
        { title: t('field.phone'), dataIndex: 'phoneMasked', width: 160 },
        { title: t('field.state'), width: 170, render: (_: unknown, r) => <RegistrationStateTag state={r.state} /> },
        { title: t('field.createdAt'), dataIndex: 'createdAt', width: 180, render: (v: string) => formatTime(v) },
        { title: t('field.actions'), width: 120, render: (_: unknown, r) => open(r) },
      ]}
      phoneRow={(r) => (
        <>
          <Flex wrap justify="space-between" gap={8}>
            <Typography.Text strong>{r.fullName}</Typography.Text>
            <RegistrationStateTag state={r.state} />
          </Flex>
          <Typography.Text type="secondary">
            {r.phoneMasked} · {formatTime(r.createdAt)}
          </Typography.Text>
          {open(r)}
        </>
      )}
    />
  );
}
