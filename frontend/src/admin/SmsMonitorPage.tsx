import { useState } from 'react';
import { Badge, Button, Col, Flex, List, Row, Table, Tag as ClosableTag, Typography } from 'antd';
import { Page } from '../components/Page';
import { nodesOf, useScrollRegion } from '../components/DataTable';
import { useIsPhone } from '../lib/useScreen';
import { useQuery, useSubscription } from 'urql';
import type { SmsActivitySubscription, SmsFieldsFragment, SmsStatus } from '../gql/graphql';
import { useT } from '../i18n';
import { formatTime } from '../lib/format';
import { ErrorAlert } from '../components/ErrorAlert';
import { SmsStatusTag } from '../components/Tags';
import { UnitPicker } from '../components/UnitPicker';
import { countByStatus, foldActivity, mergeHistory, type Activity } from './smsActivity';
import { smsOutcome } from './smsOutcome';
import type { T } from '../i18n';
import type { MessageKey } from '../i18n/messages';
import { graphql } from '../gql';

const SMSMessagesQuery = graphql(`
  query SMSMessages($status: SMSStatus, $first: Int, $after: Cursor) {
    smsMessages(status: $status, first: $first, after: $after) {
      totalCount
      edges {
        node {
          ...SMSFields
        }
      }
    }
  }
`);

const SMSActivitySubscription = graphql(`
  subscription SMSActivity($unitID: ID) {
    smsActivity(unitID: $unitID) {
      ...SMSFields
    }
  }
`);


const statuses: SmsStatus[] = ['QUEUED', 'SENDING', 'SENT', 'DELIVERED', 'UNDELIVERED', 'FAILED', 'EXPIRED', 'NO_REPORT'];
const statColor: Partial<Record<SmsStatus, string>> = { DELIVERED: '#237804', UNDELIVERED: '#cf1322', FAILED: '#cf1322', EXPIRED: '#ad4e00', NO_REPORT: '#ad4e00' };

/**
 * What a message's status means and what to do, in the officer's language; the
 * server's error text below it, smaller, only when it says more (smsOutcome).
 * In the table it wraps at 300 px, so the whole row fits a 1366 px screen.
 */
function Outcome({ sms, t, wide }: { sms: SmsFieldsFragment; t: T; wide?: boolean }) {
  const o = smsOutcome(sms.status, sms.lastError, t);
  return (
    <div data-testid="sms-outcome" style={{ overflowWrap: 'anywhere', whiteSpace: 'normal', ...(wide ? { minWidth: 240, maxWidth: 300 } : {}) }}>
      <div>{o.explanation}</div>
      {o.detail ? (
        <div className="muted" style={{ fontSize: 12 }} data-testid="sms-technical">
          {t('smsOutcome.technical')}: {o.detail}
        </div>
      ) : null}
    </div>
  );
}

/** Live OTP and password SMS delivery within the admin's scope (smsActivity). */
export function SmsMonitorPage() {
  const t = useT();
  const phone = useIsPhone();
  const [unit, setUnit] = useState<{ id: string; name: string } | null>(null);
  const [picking, setPicking] = useState(false);
  const [{ data, error }] = useSubscription<SmsActivitySubscription, Activity>(
    { query: SMSActivitySubscription, variables: { unitID: unit?.id ?? null } },
    (prev, ev) => foldActivity(prev, ev.smsActivity),
  );
  // The latest messages in scope as a starting point; live changes go on top.
  const [history] = useQuery({ query: SMSMessagesQuery, variables: { first: 100 } });
  const past = nodesOf(history.data?.smsMessages);
  const messages = mergeHistory(data?.messages ?? [], past);
  const counts = countByStatus(messages);
  const kind = (k: string) => t(`smsKind.${k}` as MessageKey);
  const scrollable = useScrollRegion();
  return (
    <Page
      title={t('smsMonitor.title')}
      extra={
        <>
          <Badge status={error ? 'error' : 'processing'} text={error ? t('smsMonitor.disconnected') : t('smsMonitor.live')} data-testid="sms-live" />
          {unit ? (
            <ClosableTag closable onClose={() => setUnit(null)}>
              {t('field.unit')}: {unit.name}
            </ClosableTag>
          ) : (
            <Button onClick={() => setPicking(true)}>{t('officers.filterUnit')}</Button>
          )}
        </>
      }
    >
      <div data-testid="sms-monitor">
        <ErrorAlert error={error ?? history.error} />
        <Row gutter={[8, 8]} style={{ marginBottom: 16 }} role="list" aria-label={t('smsMonitor.counts')}>
          {statuses.map((s) => (
            <Col key={s} flex="1 1 110px" role="listitem">
              <div className="panel panel-small" data-testid={`sms-count-${s}`} data-count={counts[s]}>
                <div className="muted" style={{ fontSize: 13 }}>
                  {t(`smsStatus.${s}` as MessageKey)}
                </div>
                <div style={{ fontSize: 22, fontWeight: 600, color: statColor[s] }}>{counts[s]}</div>
              </div>
            </Col>
          ))}
        </Row>
        <Typography.Paragraph type="secondary">{t('smsMonitor.since')}</Typography.Paragraph>
        {phone ? (
          <List<SmsFieldsFragment>
            dataSource={messages}
            rowKey={(m) => m.id}
            pagination={{ pageSize: 15, size: 'small', showSizeChanger: false }}
            locale={{ emptyText: <div className="muted">{t('smsMonitor.empty')}</div> }}
            renderItem={(m) => (
              <List.Item style={{ display: 'block', paddingInline: 0 }} data-testid="sms-row" data-status={m.status}>
                <Flex wrap justify="space-between" gap={8}>
                  <strong>{kind(m.kind)}</strong>
                  <SmsStatusTag status={m.status} />
                </Flex>
                <div className="muted">
                  {formatTime(m.updatedAt)} · {m.phoneMasked}
                </div>
                <Outcome sms={m} t={t} />
              </List.Item>
            )}
          />
        ) : (
          <div ref={scrollable}>
          <Table<SmsFieldsFragment>
            rowKey="id"
            size="small"
            dataSource={messages}
            pagination={{ pageSize: 15, showSizeChanger: false }}
            locale={{ emptyText: <div className="muted">{t('smsMonitor.empty')}</div> }}
            scroll={{ x: 'max-content' }}
            onRow={(m) => ({ 'data-testid': 'sms-row', 'data-status': m.status }) as React.HTMLAttributes<HTMLElement>}
            columns={[
              { title: t('field.time'), dataIndex: 'updatedAt', width: 165, render: (v: string) => formatTime(v) },
              { title: t('dev.kind'), dataIndex: 'kind', width: 175, render: kind },
              { title: t('field.phone'), dataIndex: 'phoneMasked', width: 135 },
              { title: t('dev.status'), dataIndex: 'status', width: 130, render: (s: SmsStatus) => <SmsStatusTag status={s} /> },
              { title: t('smsMonitor.attempts'), dataIndex: 'attempts', width: 80 },
              { title: t('smsMonitor.outcome'), key: 'outcome', render: (_: unknown, m: SmsFieldsFragment) => <Outcome sms={m} t={t} wide /> },
            ]}
          />
          </div>
        )}
      </div>
      <UnitPicker
        open={picking}
        title={t('officers.filterUnit')}
        onCancel={() => setPicking(false)}
        onPick={(u) => {
          setUnit(u);
          setPicking(false);
        }}
      />
    </Page>
  );
}
