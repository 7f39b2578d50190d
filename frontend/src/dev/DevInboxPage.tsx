import { useCallback, useEffect, useState } from 'react';
import { Alert, Button, Flex, Input, List, Switch, Table, Typography } from 'antd';
import { useIsPhone } from '../lib/useScreen';
import { Link } from 'react-router';
import { PublicLayout } from '../layout/PublicLayout';
import { ReloadOutlined } from '@ant-design/icons';
import { useT } from '../i18n';
import { formatTime } from '../lib/format';
import { SmsStatusTag } from '../components/Tags';
import type { SmsStatus } from '../gql/graphql';
import type { MessageKey } from '../i18n/messages';

interface InboxMessage {
  phone: string;
  kind: string;
  body: string;
  status: SmsStatus;
  createdAt: string;
}

/**
 * Dev mode only: the console SMS provider's messages to one phone, so a demo or a
 * test can read an OTP or an initial password without a real phone. The phone is
 * kept in the page, never in the browser's address bar.
 */
export function DevInboxPage() {
  const t = useT();
  const [phone, setPhone] = useState('');
  const [shown, setShown] = useState('');
  const [rows, setRows] = useState<InboxMessage[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [auto, setAuto] = useState(true);
  const narrow = useIsPhone();

  const load = useCallback(
    async (p: string) => {
      setLoading(true);
      try {
        const r = await fetch(`/dev/sms?phone=${encodeURIComponent(p)}`, { credentials: 'same-origin' });
        if (r.status === 404) {
          setProblem(t('dev.notDev'));
          setRows(null);
        } else if (!r.ok) {
          setProblem(t('dev.failed', { status: r.status }));
        } else {
          setProblem(null);
          setRows(((await r.json()) as InboxMessage[] | null) ?? []);
        }
      } catch {
        setProblem(t('error.NETWORK'));
      } finally {
        setLoading(false);
      }
    },
    [t],
  );

  useEffect(() => {
    if (!shown || !auto) return;
    const h = setInterval(() => void load(shown === '*' ? '' : shown), 2000);
    return () => clearInterval(h);
  }, [shown, auto, load]);

  // An empty phone shows every message in the inbox.
  const show = () => {
    const p = phone.trim();
    setShown(p || '*');
    void load(p);
  };

  const body = (b: string) => (
    <span data-testid="dev-sms-body" style={{ fontFamily: 'ui-monospace, Menlo, Consolas, monospace', fontSize: 13, overflowWrap: 'anywhere' }}>
      {b}
    </span>
  );
  const kind = (k: string) => t(`smsKind.${k}` as MessageKey);

  return (
    <PublicLayout title={t('dev.title')} width={1100}>
      <Typography.Paragraph type="secondary">{t('dev.intro')}</Typography.Paragraph>
      <Flex wrap gap={8} align="center" style={{ marginBottom: 16 }}>
        <label htmlFor="dev-phone">{t('field.phone')}</label>
        <Input id="dev-phone" placeholder={t('dev.allPhones')} value={phone} onChange={(e) => setPhone(e.target.value)} onPressEnter={show} style={{ width: 200, maxWidth: '100%' }} inputMode="tel" />
        <Button type="primary" onClick={show}>
          {t('dev.show')}
        </Button>
        <Button icon={<ReloadOutlined />} onClick={() => shown && void load(shown === '*' ? '' : shown)} disabled={!shown} aria-label={t('action.reload')} />
        <Flex gap={6} align="center">
          <Switch id="dev-auto" checked={auto} onChange={setAuto} />
          <label htmlFor="dev-auto">{t('dev.auto')}</label>
        </Flex>
      </Flex>
      {problem ? <Alert type="error" showIcon title={problem} style={{ marginBottom: 16 }} /> : null}
      {rows !== null && narrow ? (
        <List<InboxMessage>
          data-testid="dev-inbox"
          loading={loading && rows.length === 0}
          dataSource={rows}
          rowKey={(m) => `${m.createdAt}-${m.kind}-${m.body}`}
          locale={{ emptyText: <div className="muted">{t('dev.empty')}</div> }}
          renderItem={(m) => (
            <List.Item style={{ display: 'block', paddingInline: 0 }} data-testid="dev-sms">
              <Flex wrap justify="space-between" gap={8}>
                <Typography.Text strong>{kind(m.kind)}</Typography.Text>
                <SmsStatusTag status={m.status} />
              </Flex>
              <Typography.Text type="secondary">
                {formatTime(m.createdAt)} · {m.phone}
              </Typography.Text>
              <div style={{ marginTop: 4 }}>{body(m.body)}</div>
            </List.Item>
          )}
        />
      ) : rows !== null ? (
        <Table<InboxMessage>
          data-testid="dev-inbox"
          size="small"
          rowKey={(m) => `${m.createdAt}-${m.kind}-${m.body}`}
          loading={loading && rows.length === 0}
          dataSource={rows}
          pagination={false}
          locale={{ emptyText: <div className="muted">{t('dev.empty')}</div> }}
          columns={[
            { title: t('field.time'), dataIndex: 'createdAt', width: 170, render: (v: string) => formatTime(v) },
            { title: t('field.phone'), dataIndex: 'phone', width: 130 },
            { title: t('dev.kind'), dataIndex: 'kind', width: 180, render: kind },
            { title: t('dev.status'), dataIndex: 'status', width: 130, render: (s: SmsStatus) => <SmsStatusTag status={s} /> },
            { title: t('dev.body'), dataIndex: 'body', render: body },
          ]}
        />
      ) : null}
      <div style={{ marginTop: 16 }}>
        <Link to="/">{t('action.home')}</Link>
      </div>
    </PublicLayout>
  );
}
