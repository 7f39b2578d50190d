import { useEffect, useState } from 'react';
import { Badge, Breadcrumb, Button, Col, DatePicker, Flex, Row, Segmented, Tabs, Typography } from 'antd';
import { Link } from 'react-router';
import { useQuery, useSubscription } from 'urql';
import type { StatsGroupBy, StatsPeriod } from '../gql/graphql';
import { Page } from '../components/Page';
import { ErrorAlert } from '../components/ErrorAlert';
import { UnitPicker } from '../components/UnitPicker';
import { formatClock, formatDate } from '../lib/format';
import { dayjs, type Dayjs } from '../lib/dates';
import type { MessageKey } from '../i18n/messages';
import { StatisticsChangedSubscription, StatisticsQuery } from './operations';
import { useStatsT, type StatsT } from './i18n';
import { useNumberFormat, type NumberFormat } from './numbers';
import { backTo, drillInto, filterOf, funnelSteps, groupByOf, share, dropOff, smsRows, type FunnelStep, type GroupRow, type PeriodChoice, type SmsRow, type Stats, type Trail } from './figures';
import { FigureCard } from './FigureCard';
import { barHeight, barOption, colors, lineOption } from './options';
import { OtpCards } from './OtpCards';
import { useIsPhone } from '../lib/useScreen';
import { SignalsPanel } from './SignalsPanel';

const periods: StatsPeriod[] = ['LAST_7_DAYS', 'LAST_30_DAYS', 'LAST_90_DAYS', 'CUSTOM'];
const dayFormat = 'DD/MM/YYYY';

/**
 * When the figures on screen arrived: a new answer object means new figures (the
 * first load, a period or unit change, a live refresh). Kept as state adjusted
 * while rendering, React's way to remember something about the previous render.
 */
function useArrivedAt(data: unknown): string | null {
  const [seen, setSeen] = useState<{ data: unknown; at: string | null }>({ data: undefined, at: null });
  if (data !== seen.data) setSeen({ data, at: data ? new Date().toISOString() : seen.at });
  return seen.at;
}

/**
 * The statistics page of the admin console: the figures of the admin's scope (or of
 * a unit in it, picked or reached by clicking a bar) over a period, live, and the
 * signals of misuse.
 */
export function StatsPage() {
  const t = useStatsT();
  const [tab, setTab] = useState('figures');
  const [trail, setTrail] = useState<Trail>([]);
  const [choice, setChoice] = useState<PeriodChoice>({ period: 'LAST_30_DAYS' });
  const [picking, setPicking] = useState(false);
  const filter = filterOf(choice, trail);
  const groupBy: StatsGroupBy = groupByOf(trail);
  const [result, reexecute] = useQuery({ query: StatisticsQuery, variables: { filter, groupBy }, pause: !filter });
  const stats = result.data?.statistics;
  const arrivedAt = useArrivedAt(result.data);

  // Live: each change within the unit shown re-runs the query (the server sends at
  // most one event every 5 seconds).
  const unitID = trail.at(-1)?.id ?? null;
  const [changes] = useSubscription({ query: StatisticsChangedSubscription, variables: { unitID } }, (n: number = 0) => n + 1);
  const events = changes.data ?? 0;
  useEffect(() => {
    if (events > 0) reexecute({ requestPolicy: 'network-only' });
  }, [events, reexecute]);

  const scope = (
    <Flex wrap gap={8} align="center" style={{ marginBottom: 12 }}>
      <Typography.Text type="secondary">{t('stats.scope.label')}:</Typography.Text>
      <Breadcrumb
        aria-label={t('stats.breadcrumb')}
        data-testid="stats-trail"
        items={[{ id: '', name: t('stats.scope.all') }, ...trail].map((l, i, all) => ({
          key: l.id || 'scope',
          title:
            i === all.length - 1 ? (
              <span aria-current="location">{l.name}</span>
            ) : (
              <a
                href="#"
                onClick={(e) => {
                  e.preventDefault();
                  setTrail(backTo(trail, i));
                }}
              >
                {l.name}
              </a>
            ),
        }))}
      />
      <Button size="small" onClick={() => setPicking(true)}>
        {t('stats.pickUnit')}
      </Button>
    </Flex>
  );

  const filters = (
    <Flex wrap gap={8} align="center" style={{ marginBottom: 12 }}>
      <Segmented<StatsPeriod>
        aria-label={t('stats.period')}
        data-testid="stats-period"
        value={choice.period}
        onChange={(period) => setChoice((c) => ({ ...c, period }))}
        options={periods.map((p) => ({ value: p, label: t(`stats.period.${p}`) }))}
      />
      {choice.period === 'CUSTOM' ? (
        <DatePicker.RangePicker
          aria-label={t('stats.range')}
          format={dayFormat}
          allowClear={false}
          value={choice.from && choice.to ? [dayjs(choice.from), dayjs(choice.to)] : null}
          disabledDate={(d: Dayjs) => d.isAfter(dayjs(), 'day')}
          onChange={(v) => {
            const [from, to] = v ?? [];
            setChoice({ period: 'CUSTOM', from: from?.format('YYYY-MM-DD'), to: to?.format('YYYY-MM-DD') });
          }}
        />
      ) : null}
    </Flex>
  );

  return (
    <Page
      title={t('stats.title')}
      bare
      extra={
        <>
          <Badge status={changes.error ? 'error' : 'processing'} text={changes.error ? t('stats.disconnected') : t('stats.live')} data-testid="stats-live" />
          {arrivedAt ? (
            <Typography.Text type="secondary" data-testid="stats-updated-at">
              {t('stats.updatedAt', { time: formatClock(arrivedAt) })}
            </Typography.Text>
          ) : null}
        </>
      }
    >
      <Tabs
        activeKey={tab}
        onChange={setTab}
        items={[
          {
            key: 'figures',
            label: t('stats.tab.figures'),
            children: (
              <div data-testid="stats-figures">
                <div className="panel" style={{ marginBottom: 16 }}>
                  {scope}
                  {filters}
                  {!filter ? <Typography.Text type="secondary">{t('stats.range.pick')}</Typography.Text> : null}
                  {stats ? <Typography.Text type="secondary">{t('stats.shown', { from: formatDate(stats.from), to: formatDate(stats.to) })}</Typography.Text> : null}
                </div>
                <ErrorAlert error={result.error} />
                {stats ? <Figures stats={stats} groupBy={groupBy} onDrill={(row) => setTrail((tr) => drillInto(tr, row))} /> : null}
              </div>
            ),
          },
          {
            key: 'signals',
            label: t('stats.tab.signals'),
            children: <SignalsPanel unitID={unitID} />,
          },
        ]}
      />
      <UnitPicker
        open={picking}
        title={t('stats.pickUnit')}
        onCancel={() => setPicking(false)}
        onPick={(u) => {
          setTrail([{ id: u.id, name: u.name, isServiceDesk: u.isServiceDesk }]);
          setPicking(false);
        }}
      />
    </Page>
  );
}

/** The charts of one answer. */
function Figures({ stats, groupBy, onDrill }: { stats: Stats; groupBy: StatsGroupBy; onDrill: (row: GroupRow) => void }) {
  const t = useStatsT();
  const num = useNumberFormat();
  const period = { from: stats.from, to: stats.to };
  const by = stats.accountsBy;
  const officers = groupBy === 'OFFICER';
  const sms = smsRows(stats.sms);
  const smsLabel = (r: SmsRow) => `${t(`smsKind.${r.kind}` as MessageKey)} · ${t(`carrier.${r.carrier}`)}`;
  const delivery = stats.smsDelivery;
  const byTitle = officers ? t('stats.accountsByOfficer') : t('stats.accountsByUnit');
  // On a phone the bars' names get less room (cut with "…"; the table view shows them whole).
  const labels = useIsPhone() ? 110 : 220;

  return (
    <Row gutter={[16, 16]}>
      <Col span={24}>
        <FigureCard
          id="per-day"
          title={t('stats.accountsPerDay')}
          {...period}
          rows={stats.accountsPerDay}
          rowKey={(d) => d.day}
          columns={[
            { key: 'day', header: t('stats.col.day'), kind: 'date', value: (d) => d.day },
            { key: 'count', header: t('stats.col.count'), kind: 'number', value: (d) => d.count },
          ]}
          option={lineOption(stats.accountsPerDay.map((d) => formatDate(d.day).slice(0, 5)), [{ name: t('stats.accountsPerDay.series'), data: stats.accountsPerDay.map((d) => d.count) }], num.n)}
        />
      </Col>
      <Col xs={24} xl={12}>
        <FigureCard
          id="by"
          title={byTitle}
          {...period}
          rows={by}
          rowKey={(r) => r.unit?.id ?? r.officer?.id ?? r.label}
          above={by.some((r) => r.drillable) ? <Typography.Paragraph type="secondary">{t('stats.drillHint')}</Typography.Paragraph> : null}
          columns={[
            {
              key: 'name',
              header: officers ? t('stats.col.officer') : t('stats.col.unit'),
              value: (r) => r.label,
              render: (r) =>
                r.drillable && r.unit ? (
                  <Button type="link" size="small" style={{ padding: 0, height: 'auto', whiteSpace: 'normal', textAlign: 'left' }} onClick={() => onDrill(r)} aria-label={t('stats.drillNamed', { name: r.label })} data-testid="stats-drill">
                    {r.label}
                  </Button>
                ) : r.officer ? (
                  <Link to={`/admin/officers/${r.officer.id}`}>{r.label}</Link>
                ) : (
                  r.label
                ),
            },
            { key: 'count', header: t('stats.col.count'), kind: 'number', value: (r) => r.count },
          ]}
          option={barOption(
            by.map((r) => r.label),
            [{ name: t('stats.col.count'), data: by.map((r) => r.count) }],
            num.n,
            by.map((r) => r.drillable),
            labels,
          )}
          height={barHeight(by.length)}
          onItemClick={(i) => {
            if (by[i]) onDrill(by[i]);
          }}
        />
      </Col>
      <Col xs={24} xl={12}>
        <FunnelCard stats={stats} num={num} t={t} labels={labels} />
      </Col>
      <Col span={24}>
        <FigureCard
          id="funnel-by"
          title={t('stats.funnelBy')}
          {...period}
          rows={stats.funnelBy}
          rowKey={(r) => r.unit.id}
          columns={[
            { key: 'unit', header: t('stats.col.unit'), value: (r) => r.unit.name },
            { key: 'started', header: t('stats.funnel.started'), kind: 'number', value: (r) => r.funnel.started },
            { key: 'otpSent', header: t('stats.funnel.otpSent'), kind: 'number', value: (r) => r.funnel.otpSent },
            { key: 'created', header: t('stats.funnel.created'), kind: 'number', value: (r) => r.funnel.created },
            { key: 'cancelled', header: t('stats.funnel.cancelled'), kind: 'number', value: (r) => r.funnel.cancelled },
            { key: 'expired', header: t('stats.funnel.expired'), kind: 'number', value: (r) => r.funnel.expired },
            { key: 'dropOtp', header: `${t('stats.col.dropOff')}: ${t('stats.funnel.otpSent')}`, kind: 'percent', value: (r) => dropOff(r.funnel.started, r.funnel.otpSent) },
            { key: 'dropCreated', header: `${t('stats.col.dropOff')}: ${t('stats.funnel.created')}`, kind: 'percent', value: (r) => dropOff(r.funnel.otpSent, r.funnel.created) },
            { key: 'conversion', header: t('stats.col.conversion'), kind: 'percent', value: (r) => share(r.funnel.created, r.funnel.started) },
          ]}
          option={barOption(
            stats.funnelBy.map((r) => r.unit.name),
            (['created', 'cancelled', 'expired'] as const).map((k) => ({
              name: t(`stats.funnel.${k}`),
              data: stats.funnelBy.map((r) => r.funnel[k]),
              color: k === 'created' ? colors.delivered : k === 'cancelled' ? colors.noReport : colors.failed,
            })),
            num.n,
            undefined,
            labels,
          )}
          height={barHeight(stats.funnelBy.length, true)}
        />
      </Col>
      <Col span={24}>
        <FigureCard
          id="sms"
          title={t('stats.sms')}
          {...period}
          rows={sms}
          rowKey={(r) => `${r.kind}-${r.carrier}`}
          columns={[
            { key: 'kind', header: t('stats.col.kind'), value: (r) => t(`smsKind.${r.kind}` as MessageKey) },
            { key: 'carrier', header: t('stats.col.carrier'), value: (r) => t(`carrier.${r.carrier}`) },
            { key: 'sent', header: t('stats.sms.sent'), kind: 'number', value: (r) => r.sent },
            { key: 'delivered', header: t('stats.sms.delivered'), kind: 'number', value: (r) => r.delivered },
            { key: 'undelivered', header: t('stats.sms.undelivered'), kind: 'number', value: (r) => r.undelivered },
            { key: 'failed', header: t('stats.sms.failed'), kind: 'number', value: (r) => r.failed },
            { key: 'noReport', header: t('stats.sms.noReport'), kind: 'number', value: (r) => r.noReport },
          ]}
          option={barOption(
            sms.map(smsLabel),
            (['delivered', 'undelivered', 'failed', 'noReport'] as const).map((k) => ({ name: t(`stats.sms.${k}`), data: sms.map((r) => r[k]), color: colors[k] })),
            num.n,
            undefined,
            labels,
          )}
          height={barHeight(sms.length, true)}
        />
      </Col>
      <Col xs={24} xl={12}>
        <FigureCard
          id="delivery"
          title={t('stats.delivery')}
          {...period}
          rows={delivery}
          rowKey={(d) => d.day}
          columns={[
            { key: 'day', header: t('stats.col.day'), kind: 'date', value: (d) => d.day },
            { key: 'delivered', header: t('stats.col.delivered'), kind: 'number', value: (d) => d.delivered },
            { key: 'p50', header: t('stats.col.p50'), kind: 'number', value: (d) => d.p50Seconds },
            { key: 'p95', header: t('stats.col.p95'), kind: 'number', value: (d) => d.p95Seconds },
          ]}
          option={lineOption(
            delivery.map((d) => formatDate(d.day).slice(0, 5)),
            [
              { name: t('stats.delivery.p50'), data: delivery.map((d) => d.p50Seconds), color: colors.p50 },
              { name: t('stats.delivery.p95'), data: delivery.map((d) => d.p95Seconds), color: colors.p95 },
            ],
            (n) => t('stats.seconds', { n: num.n(n) }),
          )}
        />
      </Col>
      <Col xs={24} xl={12}>
        <OtpCards otp={stats.otp} {...period} />
      </Col>
    </Row>
  );
}

/** The funnel: a bar a step, with the drop-off from the step before. */
function FunnelCard({ stats, num, t, labels }: { stats: Stats; num: NumberFormat; t: StatsT; labels: number }) {
  const steps = funnelSteps(stats.funnel);
  const name = (s: FunnelStep) => t(`stats.funnel.${s.key}`);
  return (
    <FigureCard
      id="funnel"
      title={t('stats.funnel')}
      from={stats.from}
      to={stats.to}
      rows={stats.funnel.started + stats.funnel.cancelled + stats.funnel.expired > 0 ? steps : []}
      rowKey={(s) => s.key}
      columns={[
        { key: 'step', header: t('stats.col.step'), value: name },
        { key: 'count', header: t('stats.col.count'), kind: 'number', value: (s) => s.count },
        { key: 'dropOff', header: t('stats.col.dropOff'), kind: 'percent', value: (s) => s.dropOff },
      ]}
      option={barOption(
        steps.map((s) => (s.dropOff === null ? name(s) : `${name(s)} (−${num.pct(s.dropOff)})`)),
        [{ name: t('stats.col.count'), data: steps.map((s) => s.count) }],
        num.n,
        undefined,
        labels,
      )}
      height={barHeight(steps.length)}
    />
  );
}
