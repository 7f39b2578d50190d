import { useState } from 'react';
import { Button, Checkbox, Input, Modal, Space, Typography } from 'antd';
import { useQuery } from 'urql';
import type { UnitFieldsFragment } from '../gql/graphql';
import { useT } from '../i18n';
import { useCursorPaging } from '../lib/paging';
import { DataTable } from './DataTable';
import { ServiceDeskTag } from './Tags';
import { graphql } from '../gql';

export const UnitsQuery = graphql(`
  query Units($search: String, $serviceDesksOnly: Boolean, $first: Int, $after: Cursor, $last: Int, $before: Cursor) {
    units(search: $search, serviceDesksOnly: $serviceDesksOnly, first: $first, after: $after, last: $last, before: $before) {
      totalCount
      pageInfo {
        hasNextPage
        hasPreviousPage
        startCursor
        endCursor
      }
      edges {
        node {
          ...UnitFields
        }
      }
    }
  }
`);


interface Props {
  open: boolean;
  title: string;
  onCancel: () => void;
  onPick: (u: UnitFieldsFragment) => void;
  busy?: boolean;
}

/** A dialog to find a unit by identifier code or name and pick it (source §2 step 2). */
export function UnitPicker({ open, title, onCancel, onPick, busy }: Props) {
  const t = useT();
  const [typed, setTyped] = useState('');
  const [search, setSearch] = useState('');
  const [desksOnly, setDesksOnly] = useState(false);
  const paging = useCursorPaging(6);
  const [{ data, fetching, error }] = useQuery({
    query: UnitsQuery,
    variables: { search: search || null, serviceDesksOnly: desksOnly || null, ...paging.variables },
    pause: !open,
  });
  return (
    <Modal open={open} title={title} onCancel={onCancel} footer={null} width={820} style={{ top: 32 }} destroyOnHidden>
      <Space orientation="vertical" style={{ width: '100%' }}>
        <Space.Compact style={{ width: '100%' }}>
          <Input
            autoFocus
            aria-label={t('unitPicker.search')}
            placeholder={t('unitPicker.search')}
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
            onPressEnter={() => {
              setSearch(typed.trim());
              paging.reset();
            }}
          />
          <Button
            type="primary"
            onClick={() => {
              setSearch(typed.trim());
              paging.reset();
            }}
          >
            {t('action.search')}
          </Button>
        </Space.Compact>
        <Checkbox
          checked={desksOnly}
          onChange={(e) => {
            setDesksOnly(e.target.checked);
            paging.reset();
          }}
        >
          {t('unitPicker.desksOnly')}
        </Checkbox>
        <DataTable<UnitFieldsFragment>
          size="small"
          connection={data?.units}
          paging={paging}
          fetching={fetching}
          error={error}
          rowKey={(u) => u.id}
          empty={t('empty.units')}
          columns={[
            { title: t('unit.code'), dataIndex: 'code', width: 160, render: (c: string) => <Typography.Text code>{c}</Typography.Text> },
            {
              title: t('unit.name'),
              dataIndex: 'name',
              render: (_: unknown, u) => (
                <span>
                  {u.name} <ServiceDeskTag isServiceDesk={u.isServiceDesk} />
                  {u.parent ? <div><Typography.Text type="secondary">{u.parent.name}</Typography.Text></div> : null}
                </span>
              ),
            },
            {
              title: t('field.actions'),
              width: 100,
              render: (_: unknown, u) => (
                <Button size="small" loading={busy} onClick={() => onPick(u)} aria-label={t('unitPicker.pickNamed', { name: u.name })}>
                  {t('action.pick')}
                </Button>
              ),
            },
          ]}
        />
      </Space>
    </Modal>
  );
}
