import { useState } from 'react';
import { Checkbox, Flex, Input, Typography } from 'antd';
import { useQuery } from 'urql';
import { UnitsQuery } from '../components/UnitPicker';
import type { UnitFieldsFragment } from '../gql/graphql';
import { useT } from '../i18n';
import { useCursorPaging } from '../lib/paging';
import { DataTable } from '../components/DataTable';
import { Page } from '../components/Page';
import { ServiceDeskTag } from '../components/Tags';
import type { MessageKey } from '../i18n/messages';

/** Browse units by identifier code or name; service desks are marked. */
export function UnitsPage() {
  const t = useT();
  const [typed, setTyped] = useState('');
  const [search, setSearch] = useState('');
  const [desksOnly, setDesksOnly] = useState(false);
  const paging = useCursorPaging(20);
  const [{ data, fetching, error }] = useQuery({
    query: UnitsQuery,
    variables: { search: search || null, serviceDesksOnly: desksOnly || null, ...paging.variables },
  });
  return (
    <Page title={t('units.title')}>
      <Flex gap={16} align="center" wrap style={{ marginBottom: 16 }} role="search">
        <Input.Search
          aria-label={t('unitPicker.search')}
          placeholder={t('unitPicker.search')}
          value={typed}
          onChange={(e) => setTyped(e.target.value)}
          onSearch={() => {
            setSearch(typed.trim());
            paging.reset();
          }}
          enterButton={t('action.search')}
          allowClear
          style={{ width: 440, maxWidth: '100%' }}
        />
        <Checkbox
          checked={desksOnly}
          onChange={(e) => {
            setDesksOnly(e.target.checked);
            paging.reset();
          }}
        >
          {t('unitPicker.desksOnly')}
        </Checkbox>
      </Flex>
      <Typography.Paragraph type="secondary">{t('units.rule')}</Typography.Paragraph>
      <DataTable<UnitFieldsFragment>
        connection={data?.units}
        paging={paging}
        fetching={fetching}
        error={error}
        rowKey={(u) => u.id}
        empty={t('empty.units')}
        columns={[
          { title: t('unit.code'), dataIndex: 'code', width: 180, render: (c: string) => <Typography.Text code>{c}</Typography.Text> },
          { title: t('unit.name'), render: (_: unknown, u) => <span>{u.name} <ServiceDeskTag isServiceDesk={u.isServiceDesk} /></span> },
          { title: t('unit.kind'), dataIndex: 'kind', width: 150, render: (k: string) => t(`unitKind.${k}` as MessageKey) },
          { title: t('unit.parent'), render: (_: unknown, u) => u.parent?.name ?? '—' },
        ]}
        phoneRow={(u) => (
          <>
            <span>
              <strong>{u.name}</strong> <ServiceDeskTag isServiceDesk={u.isServiceDesk} />
            </span>
            <span className="muted">
              <Typography.Text code>{u.code}</Typography.Text> · {t(`unitKind.${u.kind}` as MessageKey)}
            </span>
            {u.parent ? <span className="muted">{u.parent.name}</span> : null}
          </>
        )}
      />
    </Page>
  );
}
