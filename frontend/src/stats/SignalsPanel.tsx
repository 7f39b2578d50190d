import { useState } from 'react';
import { Alert, Button, type ButtonProps, Drawer, Flex, Form, Input, InputNumber, Modal, Select, Switch, Typography } from 'antd';
import { SettingOutlined } from '@ant-design/icons';
import { Link } from 'react-router';
import { useMutation, useQuery } from 'urql';
import type { SignalFieldsFragment, SignalKind, SignalSettingsFieldsFragment, SignalSettingsInput } from '../gql/graphql';
import { DataTable } from '../components/DataTable';
import { ErrorAlert } from '../components/ErrorAlert';
import { Tag } from '../components/Tags';
import { useCursorPaging } from '../lib/paging';
import { formatDate, formatTime } from '../lib/format';
import { isSuperAdmin, useViewer } from '../auth/viewer';
import { ReviewSignalMutation, SignalSettingsQuery, SignalsQuery, UpdateSignalSettingsMutation } from './operations';
import { useStatsT } from './i18n';
import { useNumberFormat } from './numbers';
import { auditHref, isShareSignal } from './figures';

const kinds: SignalKind[] = ['SHARED_PHONE', 'DESK_DROP_OFF', 'LOOKUP_BUDGET', 'AFTER_HOURS', 'UNUSED_PASSWORDS'];

/**
 * The signals of misuse within the scope shown (newest first): what, where, the value
 * against its threshold, the records behind it in the audit trail, and the review.
 */
export function SignalsPanel({ unitID }: { unitID: string | null }) {
  const t = useStatsT();
  const num = useNumberFormat();
  const { viewer } = useViewer();
  const [includeReviewed, setIncludeReviewed] = useState(false);
  const [kind, setKind] = useState<SignalKind | null>(null);
  const [reviewing, setReviewing] = useState<SignalFieldsFragment | null>(null);
  const [reviewedOk, setReviewedOk] = useState(false);
  const [settings, setSettings] = useState(false);
  const paging = useCursorPaging(20);
  const [{ data, fetching, error }, reexecute] = useQuery({
    query: SignalsQuery,
    variables: { filter: { unitID, kind, includeReviewed }, ...paging.variables },
  });
  const conn = data?.signals;
  const kindName = (k: SignalKind) => t(`signals.kind.${k}`);
  const value = (s: SignalFieldsFragment) => {
    const f = isShareSignal(s.kind) ? num.pct : num.n;
    return `${f(s.value)} / ${f(s.threshold)}`;
  };
  const where = (s: SignalFieldsFragment) => (
    <span>
      {s.unit.name}
      {s.officer ? (
        <div>
          <Link to={`/admin/officers/${s.officer.id}`}>{s.officer.account.fullName}</Link>
        </div>
      ) : null}
    </span>
  );
  const state = (s: SignalFieldsFragment) =>
    s.reviewed ? (
      <span>
        <Tag tone="green">{t('signals.reviewed')}</Tag>
        <div className="muted" style={{ fontSize: 13 }} data-testid="signal-reviewed-by">
          {t('signals.reviewedBy', { time: formatTime(s.reviewedAt), name: s.reviewedBy?.account.fullName ?? '' })}
        </div>
        {s.reviewNote ? <div style={{ fontSize: 13, overflowWrap: 'anywhere' }}>{s.reviewNote}</div> : null}
      </span>
    ) : (
      <Tag tone="orange">{t('signals.notReviewed')}</Tag>
    );
  const actions = (s: SignalFieldsFragment) => (
    <Flex wrap gap={8}>
      {s.subjectIDs.length > 0 ? (
        <Link to={auditHref(s.subjectIDs)} aria-label={t('signals.auditNamed', { n: s.subjectIDs.length })} data-testid="signal-audit">
          {t('signals.audit', { n: s.subjectIDs.length })}
        </Link>
      ) : null}
      {!s.reviewed ? (
        <Button
          size="small"
          data-testid="signal-review"
          onClick={() => {
            setReviewedOk(false);
            setReviewing(s);
          }}
        >
          {t('signals.review')}
        </Button>
      ) : null}
    </Flex>
  );

  return (
    <div className="panel" data-testid="stats-signals">
      <Typography.Paragraph type="secondary">{t('signals.intro')}</Typography.Paragraph>
      <Flex wrap gap={12} align="center" justify="space-between" style={{ marginBottom: 12 }}>
        <Flex wrap gap={12} align="center">
          <Select<SignalKind | 'ALL'>
            aria-label={t('signals.filterKind')}
            style={{ width: 340, maxWidth: '100%' }}
            value={kind ?? 'ALL'}
            onChange={(k) => {
              setKind(k === 'ALL' ? null : k);
              paging.reset();
            }}
            options={[{ value: 'ALL' as const, label: t('signals.allKinds') }, ...kinds.map((k) => ({ value: k, label: kindName(k) }))]}
          />
          <label style={{ display: 'inline-flex', gap: 8, alignItems: 'center' }}>
            <Switch
              size="small"
              checked={includeReviewed}
              data-testid="signals-include-reviewed"
              onChange={(v) => {
                setIncludeReviewed(v);
                paging.reset();
              }}
            />
            {t('signals.includeReviewed')}
          </label>
        </Flex>
        {isSuperAdmin(viewer) ? (
          <Button icon={<SettingOutlined />} onClick={() => setSettings(true)} data-testid="signal-settings-open">
            {t('settings.open')}
          </Button>
        ) : null}
      </Flex>
      {reviewedOk ? <Alert type="success" showIcon title={t('signals.reviewedOk')} style={{ marginBottom: 12 }} data-testid="signal-reviewed" /> : null}
      <DataTable<SignalFieldsFragment>
        size="small"
        testId="signals-table"
        connection={conn}
        paging={paging}
        fetching={fetching}
        error={error}
        rowKey={(s) => s.id}
        empty={t('signals.empty')}
        columns={[
          { title: t('signals.kind'), width: 200, render: (_: unknown, s) => <strong>{kindName(s.kind)}</strong> },
          { title: t('signals.where'), width: 220, render: (_: unknown, s) => where(s) },
          { title: t('signals.value'), width: 100, render: (_: unknown, s) => value(s) },
          { title: t('signals.day'), width: 100, render: (_: unknown, s) => formatDate(s.day) },
          { title: t('signals.state'), width: 150, render: (_: unknown, s) => state(s) },
          { title: t('field.actions'), render: (_: unknown, s) => actions(s) },
        ]}
        phoneRow={(s) => (
          <>
            <strong>{kindName(s.kind)}</strong>
            {where(s)}
            <span className="muted">
              {formatDate(s.day)} · {t('signals.value')}: {value(s)}
            </span>
            {state(s)}
            {actions(s)}
          </>
        )}
      />
      <ReviewModal
        signal={reviewing}
        kindName={reviewing ? kindName(reviewing.kind) : ''}
        onCancel={() => setReviewing(null)}
        onDone={() => {
          setReviewing(null);
          setReviewedOk(true);
          // Without "include reviewed" the signal leaves the list: ask the server again.
          reexecute({ requestPolicy: 'network-only' });
        }}
      />
      {isSuperAdmin(viewer) ? <SettingsDrawer open={settings} onClose={() => setSettings(false)} /> : null}
    </div>
  );
}

/** "Mark as reviewed" with an optional note; a refusal stays in the dialog. */
function ReviewModal({ signal, kindName, onCancel, onDone }: { signal: SignalFieldsFragment | null; kindName: string; onCancel: () => void; onDone: () => void }) {
  const t = useStatsT();
  const [note, setNote] = useState('');
  const [{ fetching, error }, review] = useMutation(ReviewSignalMutation);
  return (
    <Modal
      open={!!signal}
      title={t('signals.reviewTitle', { kind: kindName })}
      onCancel={onCancel}
      destroyOnHidden
      afterOpenChange={(open) => {
        if (!open) setNote('');
      }}
      okText={t('signals.review')}
      cancelText={t('action.cancel')}
      okButtonProps={{ loading: fetching, 'data-testid': 'signal-review-confirm' } as ButtonProps}
      onOk={async () => {
        if (!signal) return;
        const r = await review({ id: signal.id, note: note.trim() || null });
        if (!r.error) onDone();
      }}
    >
      <ErrorAlert error={error} />
      <label htmlFor="signal-note" style={{ display: 'block', marginBottom: 4 }}>
        {t('signals.note')}
      </label>
      <Input.TextArea id="signal-note" data-testid="signal-note" rows={3} maxLength={500} showCount value={note} placeholder={t('signals.notePlaceholder')} onChange={(e) => setNote(e.target.value)} />
    </Modal>
  );
}

/** Form values: shares as percentages, as people write them. */
interface SettingsForm {
  sharedPhoneAccounts: number;
  deskDropOffFactor: number;
  lookupBudgetPercent: number;
  openingFrom: string;
  openingTo: string;
  unusedPasswordPercent: number;
}

function toForm(s: SignalSettingsFieldsFragment): SettingsForm {
  return {
    sharedPhoneAccounts: s.sharedPhoneAccounts,
    deskDropOffFactor: s.deskDropOffFactor,
    lookupBudgetPercent: Math.round(s.lookupBudgetShare * 1000) / 10,
    openingFrom: s.openingFrom,
    openingTo: s.openingTo,
    unusedPasswordPercent: Math.round(s.unusedPasswordShare * 1000) / 10,
  };
}

/** The settings input from the form: shares back to 0..1. */
export function settingsInput(f: SettingsForm): SignalSettingsInput {
  return {
    sharedPhoneAccounts: f.sharedPhoneAccounts,
    deskDropOffFactor: f.deskDropOffFactor,
    lookupBudgetShare: f.lookupBudgetPercent / 100,
    openingFrom: f.openingFrom.trim(),
    openingTo: f.openingTo.trim(),
    unusedPasswordShare: f.unusedPasswordPercent / 100,
  };
}

const clock = /^([01]\d|2[0-3]):[0-5]\d$/;

/** The super admin's thresholds; the server checks them again and says what it refuses. */
function SettingsDrawer({ open, onClose }: { open: boolean; onClose: () => void }) {
  const t = useStatsT();
  const [{ data, error: loadError }] = useQuery({ query: SignalSettingsQuery, pause: !open });
  const [{ fetching, error }, save] = useMutation(UpdateSignalSettingsMutation);
  const [saved, setSaved] = useState(false);
  const current = data?.signalSettings;
  return (
    <Drawer open={open} onClose={onClose} title={t('settings.title')} size={420} destroyOnHidden data-testid="signal-settings">
      <Typography.Paragraph type="secondary">{t('settings.intro')}</Typography.Paragraph>
      <ErrorAlert error={loadError ?? error} />
      {saved ? <Alert type="success" showIcon title={t('settings.saved')} style={{ marginBottom: 12 }} data-testid="signal-settings-saved" /> : null}
      {current ? (
        <Form<SettingsForm>
          layout="vertical"
          initialValues={toForm(current)}
          onValuesChange={() => setSaved(false)}
          onFinish={async (f) => {
            const r = await save({ input: settingsInput(f) });
            setSaved(!r.error);
          }}
        >
          <Form.Item name="sharedPhoneAccounts" label={t('settings.sharedPhoneAccounts')} rules={[{ required: true }]}>
            <InputNumber min={2} max={1000} precision={0} style={{ width: '100%' }} />
          </Form.Item>
          <Form.Item name="deskDropOffFactor" label={t('settings.deskDropOffFactor')} rules={[{ required: true }]}>
            <InputNumber min={1} max={100} step={0.1} style={{ width: '100%' }} />
          </Form.Item>
          <Form.Item name="lookupBudgetPercent" label={t('settings.lookupBudgetShare')} rules={[{ required: true }]}>
            <InputNumber min={1} max={100} step={1} style={{ width: '100%' }} />
          </Form.Item>
          <Flex gap={12}>
            <Form.Item name="openingFrom" label={t('settings.openingFrom')} rules={[{ required: true, pattern: clock, message: t('settings.time') }]} style={{ flex: 1 }}>
              <Input inputMode="numeric" maxLength={5} placeholder="07:30" />
            </Form.Item>
            <Form.Item name="openingTo" label={t('settings.openingTo')} rules={[{ required: true, pattern: clock, message: t('settings.time') }]} style={{ flex: 1 }}>
              <Input inputMode="numeric" maxLength={5} placeholder="17:00" />
            </Form.Item>
          </Flex>
          <Form.Item name="unusedPasswordPercent" label={t('settings.unusedPasswordShare')} rules={[{ required: true }]}>
            <InputNumber min={1} max={100} step={1} style={{ width: '100%' }} />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={fetching} data-testid="signal-settings-save">
            {t('action.save')}
          </Button>
        </Form>
      ) : null}
    </Drawer>
  );
}
