import { Tag, Typography } from 'antd';
import { useSearchParams } from 'react-router';
import { useQuery } from 'urql';
import type { AuditEventsQuery as Result } from '../gql/graphql';
import { useT } from '../i18n';
import { formatTime } from '../lib/format';
import { useCursorPaging } from '../lib/paging';
import { DataTable, nodesOf } from '../components/DataTable';
import { Page } from '../components/Page';
import { graphql } from '../gql';

const AuditEventsQuery = graphql(`
  query AuditEvents($first: Int, $after: Cursor, $last: Int, $before: Cursor, $where: AuditEventWhereInput) {
    auditEvents(first: $first, after: $after, last: $last, before: $before, where: $where) {
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
          at
          action
          targetType
          targetID
          detail
          actor
          clientIP
        }
      }
    }
  }
`);

const AuditActorsQuery = graphql(`
  query AuditActors($ids: [ID!]!) {
    nodes(ids: $ids) {
      __typename
      ... on Account {
        id
        fullName
      }
    }
  }
`);


type Row = NonNullable<NonNullable<NonNullable<Result['auditEvents']['edges']>[number]>['node']>;

function detailText(d: Record<string, unknown> | null | undefined): string {
  if (!d) return '';
  return Object.entries(d)
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' · ');
}

/**
 * The audit log, newest first: who did what to which record. `?target=<id>` (repeated)
 * narrows it to the events of those records (the statistics page links the records
 * behind a signal of misuse this way); ids only, as every route.
 */
export function AuditPage() {
  const t = useT();
  const paging = useCursorPaging(25);
  const [params, setParams] = useSearchParams();
  const targets = params.getAll('target');
  const where = targets.length > 0 ? { targetIDIn: targets } : null;
  const [{ data, fetching, error }] = useQuery({ query: AuditEventsQuery, variables: { ...paging.variables, where } });
  const conn = data?.auditEvents;
  const rows = nodesOf(conn);
  // The actor is an account id (or "system"); fetch the names of this page's actors at once.
  const actorIDs = [...new Set(rows.map((r) => r.actor).filter((a) => a !== 'system'))];
  const [{ data: actors }] = useQuery({ query: AuditActorsQuery, variables: { ids: actorIDs }, pause: actorIDs.length === 0 });
  const names = new Map<string, string>();
  for (const n of actors?.nodes ?? []) if (n && n.__typename === 'Account') names.set(n.id, n.fullName);

  return (
    <Page
      title={t('audit.title')}
      extra={
        targets.length > 0 ? (
          <Tag
            closable
            data-testid="audit-targets"
            onClose={() => {
              setParams({});
              paging.reset();
            }}
          >
            {t('audit.target')}: {targets.length}
          </Tag>
        ) : null
      }
    >
      <DataTable<Row>
        size="small"
        connection={conn}
        paging={paging}
        fetching={fetching}
        error={error}
        rowKey={(e) => e.id}
        empty={t('audit.empty')}
        columns={[
          { title: t('field.time'), dataIndex: 'at', width: 160, render: (v: string) => formatTime(v) },
          {
            title: t('audit.actor'),
            width: 190,
            ellipsis: true,
            render: (_: unknown, e) => (e.actor === 'system' ? t('audit.system') : names.get(e.actor) ?? e.actor),
          },
          { title: t('audit.action'), dataIndex: 'action', width: 190, render: (v: string) => <Typography.Text code>{v}</Typography.Text> },
          { title: t('audit.target'), width: 110, render: (_: unknown, e) => <Typography.Text type="secondary">{e.targetType}</Typography.Text> },
          { title: t('audit.detail'), render: (_: unknown, e) => <Typography.Text style={{ fontSize: 13 }}>{detailText(e.detail)}</Typography.Text> },
          { title: t('audit.ip'), dataIndex: 'clientIP', width: 110, render: (v: string | null) => v ?? '' },
        ]}
        phoneRow={(e) => (
          <>
            <span className="muted">{formatTime(e.at)}</span>
            <span>
              <strong>{e.actor === 'system' ? t('audit.system') : (names.get(e.actor) ?? e.actor)}</strong> · <Typography.Text code>{e.action}</Typography.Text>
            </span>
            <span style={{ fontSize: 13, overflowWrap: 'anywhere' }}>{detailText(e.detail)}</span>
          </>
        )}
      />
    </Page>
  );
}
