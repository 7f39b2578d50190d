import { useCallback, type Key, type ReactNode } from 'react';
import { useT } from '../i18n';
import { Flex, List, Table, type TableColumnsType } from 'antd';
import type { CombinedError } from 'urql';
import { ErrorAlert } from './ErrorAlert';
import { CursorPager } from './CursorPager';
import type { CursorPaging } from '../lib/paging';
import { useIsPhone } from '../lib/useScreen';

/** The part of a Relay connection a list shows. */
export interface Connection<T> {
  edges?: ReadonlyArray<{ node?: T | null } | null> | null;
  totalCount?: number;
  /** Lists that count only up to a cap (accounts) say when they reached it. */
  totalCountCapped?: boolean;
  pageInfo: { hasNextPage: boolean; endCursor?: string | null };
}

/** The nodes of a connection, without the empty edges GraphQL allows. */
export function nodesOf<T>(conn: Pick<Connection<T>, 'edges'> | null | undefined): T[] {
  return (conn?.edges ?? []).flatMap((e) => (e?.node ? [e.node] : []));
}

/**
 * A ref for the box around a table: a table wider than its box scrolls sideways
 * inside it, and keyboard users must be able to reach that scroll area too, so it
 * takes the focus (and says what it is).
 */
export function useScrollRegion() {
  const t = useT();
  return useCallback(
    (el: HTMLDivElement | null) => {
      el?.querySelectorAll('.ant-table-content').forEach((c) => {
        c.setAttribute('tabindex', '0');
        c.setAttribute('role', 'region');
        c.setAttribute('aria-label', t('table.scroll'));
      });
    },
    [t],
  );
}

interface Props<T> {
  /** The page of the connection on screen (undefined while the first page loads). */
  connection: Connection<T> | null | undefined;
  /** Paging state from useCursorPaging; omit for a list without pages. */
  paging?: CursorPaging;
  fetching: boolean;
  error?: CombinedError | null;
  columns: TableColumnsType<T>;
  rowKey: (row: T) => Key;
  empty: ReactNode;
  testId?: string;
  size?: 'small' | 'middle';
  /** A phone shows each row as a small card with this content instead of a wide table. */
  phoneRow?: (row: T) => ReactNode;
}

/**
 * One page of a list with its pager: a table on a wide screen; on a phone a
 * list of cards when phoneRow is given, else the table scrolling sideways
 * inside its box (the page itself never does).
 */
export function DataTable<T extends object>({ connection, paging, fetching, error, columns, rowKey, empty, testId, size = 'middle', phoneRow }: Props<T>) {
  const phone = useIsPhone();
  const rows = nodesOf(connection);
  const scrollable = useScrollRegion();
  const pager = paging ? (
    <CursorPager
      page={paging.page}
      pageSize={paging.pageSize}
      totalCount={connection?.totalCount}
      totalCountCapped={connection?.totalCountCapped}
      hasNextPage={connection?.pageInfo.hasNextPage}
      onPrev={paging.prev}
      onNext={() => paging.next(connection?.pageInfo.endCursor)}
    />
  ) : null;
  return (
    <>
      <ErrorAlert error={error} />
      {phone && phoneRow ? (
        <List<T>
          data-testid={testId}
          loading={fetching}
          dataSource={rows}
          rowKey={rowKey}
          locale={{ emptyText: <div className="muted">{empty}</div> }}
          renderItem={(row) => (
            <List.Item style={{ padding: '4px 0', border: 0 }}>
              <Flex vertical gap={4} className="panel panel-small" style={{ width: '100%' }}>
                {phoneRow(row)}
              </Flex>
            </List.Item>
          )}
        />
      ) : (
        <div ref={scrollable}>
        <Table<T>
          rowKey={rowKey}
          size={size}
          loading={fetching}
          dataSource={rows}
          pagination={false}
          data-testid={testId}
          locale={{ emptyText: <div className="muted">{empty}</div> }}
          columns={columns}
          scroll={{ x: 'max-content' }}
        />
        </div>
      )}
      {pager}
    </>
  );
}
