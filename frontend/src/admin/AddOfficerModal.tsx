import { useState } from 'react';
import { Button, Flex, Input, Modal, Popconfirm, Result, Space, Typography } from 'antd';
import { DataTable } from '../components/DataTable';
import { useNavigate } from 'react-router';
import { useMutation, useQuery } from 'urql';
import type { AccountFieldsFragment } from '../gql/graphql';
import { useT } from '../i18n';
import { ErrorAlert } from '../components/ErrorAlert';
import { AccountStatusTag, OriginTag } from '../components/Tags';
import { graphql } from '../gql';

const AccountsQuery = graphql(`
  query Accounts($search: String, $status: AccountStatus, $first: Int, $after: Cursor, $last: Int, $before: Cursor) {
    accounts(search: $search, status: $status, first: $first, after: $after, last: $last, before: $before) {
      totalCount
      totalCountCapped
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

const AddOfficerMutation = graphql(`
  mutation AddOfficer($accountID: ID!) {
    addOfficer(accountID: $accountID) {
      ...OfficerFields
    }
  }
`);


/**
 * "Add new account" (source §2 step 1): bring an account already registered on the
 * portal into user management as an officer. The dialog then says who was added
 * and what comes next, and opens the officer only when the admin asks.
 */
export function AddOfficerModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const t = useT();
  const navigate = useNavigate();
  const [typed, setTyped] = useState('');
  const [search, setSearch] = useState('');
  const [added, setAdded] = useState<{ id: string; name: string } | null>(null);
  const [{ data, fetching, error }] = useQuery({
    query: AccountsQuery,
    variables: { search, first: 10 },
    pause: !open || search === '',
  });
  const [addState, add] = useMutation(AddOfficerMutation);
  const close = () => {
    setAdded(null);
    onClose();
  };

  return (
    <Modal open={open} title={t('addOfficer.title')} onCancel={close} footer={null} width={860} destroyOnHidden>
      {added ? (
        <Result
          status="success"
          title={<span data-testid="officer-added">{t('addOfficer.added', { name: added.name })}</span>}
          subTitle={t('addOfficer.next')}
          extra={[
            <Button
              key="open"
              type="primary"
              onClick={() => {
                close();
                navigate(`/admin/officers/${added.id}`);
              }}
            >
              {t('addOfficer.openOfficer')}
            </Button>,
            <Button key="again" onClick={() => setAdded(null)}>
              {t('addOfficer.another')}
            </Button>,
          ]}
        />
      ) : (
        <>
          <Typography.Paragraph type="secondary">{t('addOfficer.intro')}</Typography.Paragraph>
          <Space.Compact style={{ width: '100%', marginBottom: 16 }}>
            <Input
              autoFocus
              aria-label={t('officers.searchLabel')}
              placeholder={t('officers.searchPlaceholder')}
              value={typed}
              onChange={(e) => setTyped(e.target.value)}
              onPressEnter={() => setSearch(typed.trim())}
            />
            <Button type="primary" onClick={() => setSearch(typed.trim())}>
              {t('action.search')}
            </Button>
          </Space.Compact>
          <ErrorAlert error={addState.error} />
          <DataTable<AccountFieldsFragment>
            size="small"
            connection={data?.accounts}
            fetching={fetching}
            error={error}
            rowKey={(a) => a.id}
            empty={search ? t('addOfficer.none') : t('addOfficer.typeFirst')}
            columns={[
              { title: t('field.fullName'), dataIndex: 'fullName' },
              { title: t('field.idNumber'), dataIndex: 'idNumberMasked', width: 140 },
              { title: t('field.phone'), dataIndex: 'phoneMasked', width: 150 },
              { title: t('field.status'), width: 130, render: (_: unknown, a) => <AccountStatusTag status={a.status} /> },
              { title: t('field.origin'), width: 150, render: (_: unknown, a) => <OriginTag origin={a.origin} /> },
              { title: t('field.actions'), width: 100, render: (_: unknown, a) => addButton(a) },
            ]}
            phoneRow={(a) => (
              <>
                <Typography.Text strong>{a.fullName}</Typography.Text>
                <Typography.Text type="secondary">
                  {a.idNumberMasked} · {a.phoneMasked}
                </Typography.Text>
                <Flex wrap gap={4}>
                  <AccountStatusTag status={a.status} />
                  <OriginTag origin={a.origin} />
                </Flex>
                {addButton(a)}
              </>
            )}
          />
        </>
      )}
    </Modal>
  );

  function addButton(a: AccountFieldsFragment) {
    return (
      <Popconfirm
        title={t('addOfficer.confirm', { name: a.fullName })}
        okText={t('addOfficer.add')}
        cancelText={t('action.no')}
        onConfirm={async () => {
          const r = await add({ accountID: a.id });
          if (r.data) setAdded({ id: r.data.addOfficer.id, name: a.fullName });
        }}
      >
        <Button size="small" type="primary" loading={addState.fetching} aria-label={t('addOfficer.addNamed', { name: a.fullName })}>
          {t('addOfficer.add')}
        </Button>
      </Popconfirm>
    );
  }
}
