import { useState } from 'react';
import { Button, Input, Modal, Space, Table, Typography } from 'antd';
import { useNavigate } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { AccountsQuery, AddOfficerMutation } from '../graphql/operations';
import type { AccountFieldsFragment } from '../gql/graphql';
import { useT } from '../i18n';
import { ErrorAlert } from '../components/ErrorAlert';
import { AccountStatusTag, OriginTag } from '../components/Tags';

/**
 * "Add new account" (source §2 step 1): bring an account already registered on the
 * portal into user management as an officer.
 */
export function AddOfficerModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const t = useT();
  const navigate = useNavigate();
  const [typed, setTyped] = useState('');
  const [search, setSearch] = useState('');
  const [{ data, fetching, error }] = useQuery({
    query: AccountsQuery,
    variables: { search, first: 10 },
    pause: !open || search === '',
  });
  const [addState, add] = useMutation(AddOfficerMutation);
  const rows = (data?.accounts.edges ?? []).flatMap((e) => (e?.node ? [e.node] : []));

  return (
    <Modal open={open} title={t('addOfficer.title')} onCancel={onClose} footer={null} width={860} destroyOnHidden>
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
      <ErrorAlert error={error ?? addState.error} />
      <Table<AccountFieldsFragment>
        size="small"
        rowKey="id"
        loading={fetching}
        dataSource={rows}
        pagination={false}
        locale={{ emptyText: search ? t('addOfficer.none') : t('addOfficer.typeFirst') }}
        columns={[
          { title: t('field.fullName'), dataIndex: 'fullName' },
          { title: t('field.idNumber'), dataIndex: 'idNumberMasked', width: 140 },
          { title: t('field.phone'), dataIndex: 'phoneMasked', width: 150 },
          { title: t('field.status'), width: 130, render: (_: unknown, a) => <AccountStatusTag status={a.status} /> },
          { title: t('field.origin'), width: 150, render: (_: unknown, a) => <OriginTag origin={a.origin} /> },
          {
            title: '',
            width: 120,
            render: (_: unknown, a) => (
              <Button
                size="small"
                type="primary"
                loading={addState.fetching}
                onClick={async () => {
                  const r = await add({ accountID: a.id });
                  if (r.data) {
                    onClose();
                    navigate(`/admin/officers/${r.data.addOfficer.id}`);
                  }
                }}
              >
                {t('addOfficer.add')}
              </Button>
            ),
          },
        ]}
      />
    </Modal>
  );
}
