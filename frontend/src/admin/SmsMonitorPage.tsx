import { useState } from 'react';
import { Badge, Button, Card, Col, Flex, Row, Statistic, Table, Tag, Typography } from 'antd';
import { useQuery, useSubscription } from 'urql';
import type { SmsActivitySubscription, SmsFieldsFragment, SmsStatus } from '../gql/graphql';
import { useT } from '../i18n';
import { formatTime } from '../lib/format';
import { ErrorAlert } from '../components/ErrorAlert';
import { SmsStatusTag } from '../components/Tags';
import { UnitPicker } from '../components/UnitPicker';
import { countByStatus, foldActivity, mergeHistory, type Activity } from './smsActivity';
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
const statColor: Partial<Record<SmsStatus, string>> = { DELIVERED: '#389e0d', UNDELIVERED: '#cf1322', FAILED: '#cf1322', EXPIRED: '#d48806', NO_REPORT: '#d48806' };

/** Live OTP and password SMS delivery within the admin's scope (smsActivity). */
export function SmsMonitorPage() {
  const t = useT();
  const [unit, setUnit] = useState<{ id: string; name: string } | null>(null);
  const [picking, setPicking] = useState(false);
  const [{ data, error }] = useSubscription<SmsActivitySubscription, Activity>(
    { query: SMSActivitySubscription, variables: { unitID: unit?.id ?? null } },
    (prev, ev) => foldActivity(prev, ev.smsActivity),
  );
  // The latest messages in scope as a starting point; live changes go on top.
  const [history] = useQuery({ query: SMSMessagesQuery, variables: { first: 100 } });
  const past = (history.data?.smsMessages.edges ?? []).flatMap((e) => (e?.node ? [e.node] : []));
  const messages = mergeHistory(data?.messages ?? [], past);
  const counts = countByStatus(messages);
  return (
    <Card
      title={
        <Flex gap={12} align="center">
          {t('smsMonitor.title')}
          <Badge status={error ? 'error' : 'processing'} text={error ? t('smsMonitor.disconnected') : t('smsMonitor.live')} />
        </Flex>
      }
      extra={
        unit ? (
          <Tag closable onClose={() => setUnit(null)}>
            {t('field.unit')}: {unit.name}
          </Tag>
        ) : (
          <Button onClick={() => setPicking(true)}>{t('officers.filterUnit')}</Button>
        )
      }
    >
      <ErrorAlert error={error ?? history.error} />
      <Row gutter={[16, 16]} style={{ marginBottom: 16 }}>
        {statuses.map((s) => (
          <Col key={s} flex="1 1 120px">
            <Card size="small">
              <Statistic title={t(`smsStatus.${s}` as MessageKey)} value={counts[s]} styles={{ content: { color: statColor[s] } }} />
            </Card>
          </Col>
        ))}
      </Row>
      <Typography.Paragraph type="secondary">{t('smsMonitor.since')}</Typography.Paragraph>
      <Table<SmsFieldsFragment>
        rowKey="id"
        size="small"
        dataSource={messages}
        pagination={{ pageSize: 15, showSizeChanger: false }}
        locale={{ emptyText: t('smsMonitor.empty') }}
        columns={[
          { title: t('field.time'), dataIndex: 'updatedAt', width: 180, render: (v: string) => formatTime(v) },
          { title: t('dev.kind'), dataIndex: 'kind', width: 200, render: (k: string) => t(`smsKind.${k}` as MessageKey) },
          { title: t('field.phone'), dataIndex: 'phoneMasked', width: 170 },
          { title: t('dev.status'), dataIndex: 'status', width: 150, render: (s: SmsStatus) => <SmsStatusTag status={s} /> },
          { title: t('smsMonitor.attempts'), dataIndex: 'attempts', width: 90 },
          { title: t('smsMonitor.lastError'), dataIndex: 'lastError', render: (v: string | null) => v ?? '' },
        ]}
      />
      <UnitPicker
        open={picking}
        title={t('officers.filterUnit')}
        onCancel={() => setPicking(false)}
        onPick={(u) => {
          setUnit(u);
          setPicking(false);
        }}
      />
    </Card>
  );
}
