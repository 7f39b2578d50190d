import { Col, Row } from 'antd';
import type { Stats } from './figures';
import { FigureCard } from './FigureCard';
import { useStatsT } from './i18n';
import { useNumberFormat } from './numbers';
import type { StatsKey } from './messages';

interface Metric {
  key: StatsKey;
  value: number | null;
}

/** OTP health as figures in cards (a chart would add nothing), with its table and CSV. */
export function OtpCards({ otp, from, to }: { otp: Stats['otp']; from: string; to: string }) {
  const t = useStatsT();
  const num = useNumberFormat();
  const metrics: Metric[] = [
    { key: 'stats.otp.codesPerAccount', value: otp.codesPerAccount },
    { key: 'stats.otp.codesSent', value: otp.codesSent },
    { key: 'stats.otp.resends', value: otp.resends },
    { key: 'stats.otp.attemptsExhausted', value: otp.attemptsExhausted },
    { key: 'stats.otp.accountsCreated', value: otp.accountsCreated },
  ];
  return (
    <FigureCard<Metric>
      id="otp"
      title={t('stats.otp')}
      from={from}
      to={to}
      rows={metrics}
      rowKey={(m) => m.key}
      columns={[
        { key: 'metric', header: t('stats.otp.metric'), value: (m) => t(m.key) },
        { key: 'value', header: t('stats.otp.value'), kind: 'number', value: (m) => m.value },
      ]}
      picture={
        <Row gutter={[8, 8]} role="list" aria-label={t('stats.otp')}>
          {metrics.map((m) => (
            <Col key={m.key} xs={12} md={8} role="listitem">
              <div className="panel panel-small" data-testid={`otp-${m.key.slice('stats.otp.'.length)}`}>
                <div className="muted" style={{ fontSize: 13 }}>
                  {t(m.key)}
                </div>
                <div style={{ fontSize: 22, fontWeight: 600 }}>{m.value === null ? '–' : num.n(m.value)}</div>
              </div>
            </Col>
          ))}
        </Row>
      }
    />
  );
}
