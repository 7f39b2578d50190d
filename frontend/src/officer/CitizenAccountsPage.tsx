import { Button, Card, Table, Tabs } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { Link, useNavigate } from 'react-router';
import { useQuery } from 'urql';
import { CitizenAccountsCreatedByMeQuery, MyRegistrationsQuery } from '../graphql/operations';
import type { AccountFieldsFragment, MyRegistrationsQuery as MyRegs } from '../gql/graphql';
import { useT } from '../i18n';
import { formatDate, formatTime } from '../lib/format';
import { useCursorPaging } from '../lib/paging';
import { CursorPager } from '../components/CursorPager';
import { ErrorAlert } from '../components/ErrorAlert';
import { AccountStatusTag, RegistrationStateTag } from '../components/Tags';
import { useViewer } from '../auth/viewer';
import { DeskReadiness, deskProblem } from './DeskReadiness';

type RegRow = NonNullable<NonNullable<NonNullable<MyRegs['registrations']['edges']>[number]>['node']>;

/** "Create citizen account" (source §3 step 1): the accounts this officer created, and cases in progress. */
export function CitizenAccountsPage() {
  const t = useT();
  const navigate = useNavigate();
  const { viewer } = useViewer();
  const ready = deskProblem(viewer) === null;
  return (
    <Card
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
    </Card>
  );
}

function CreatedAccounts() {
  const t = useT();
  const paging = useCursorPaging(20);
  const [{ data, fetching, error }] = useQuery({ query: CitizenAccountsCreatedByMeQuery, variables: paging.variables });
  const conn = data?.citizenAccountsCreatedByMe;
  const rows = (conn?.edges ?? []).flatMap((e) => (e?.node ? [e.node] : []));
  return (
    <>
      <ErrorAlert error={error} />
      <Table<AccountFieldsFragment>
        rowKey="id"
        size="middle"
        loading={fetching}
        dataSource={rows}
        pagination={false}
        data-testid="created-accounts"
        locale={{ emptyText: t('citizens.empty') }}
        columns={[
          { title: t('field.fullName'), dataIndex: 'fullName' },
          { title: t('field.idNumber'), dataIndex: 'idNumberMasked', width: 150 },
          { title: t('field.dateOfBirth'), dataIndex: 'dateOfBirth', width: 130, render: (v: string) => formatDate(v) },
          { title: t('field.phone'), dataIndex: 'phoneMasked', width: 160 },
          { title: t('field.status'), width: 150, render: (_: unknown, a) => <AccountStatusTag status={a.status} /> },
          { title: t('field.createdAt'), dataIndex: 'createdAt', width: 180, render: (v: string) => formatTime(v) },
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
    </>
  );
}

function MyRegistrations() {
  const t = useT();
  const paging = useCursorPaging(20);
  const [{ data, fetching, error }] = useQuery({ query: MyRegistrationsQuery, variables: paging.variables });
  const conn = data?.registrations;
  const rows = (conn?.edges ?? []).flatMap((e) => (e?.node ? [e.node] : []));
  return (
    <>
      <ErrorAlert error={error} />
      <Table<RegRow>
        rowKey="id"
        size="middle"
        loading={fetching}
        dataSource={rows}
        pagination={false}
        locale={{ emptyText: t('citizens.noCases') }}
        columns={[
          { title: t('field.fullName'), dataIndex: 'fullName' },
          { title: t('field.phone'), dataIndex: 'phoneMasked', width: 160 },
          { title: t('field.state'), width: 170, render: (_: unknown, r) => <RegistrationStateTag state={r.state} /> },
          { title: t('field.createdAt'), dataIndex: 'createdAt', width: 180, render: (v: string) => formatTime(v) },
          {
            title: '',
            width: 120,
            render: (_: unknown, r) => (
              <Link to={`/officer/registrations/${r.id}`}>
                {r.state === 'DRAFT' || r.state === 'OTP_SENT' ? t('citizens.resume') : t('action.open')}
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
    </>
  );
}
