import { Alert } from 'antd';
import type { CombinedError } from 'urql';
import { appErrors } from '../lib/errors';
import { formatCountdown, secondsUntil } from '../lib/countdown';
import { formatClock } from '../lib/format';
import { useNow } from '../lib/useNow';
import { useSsoT } from './i18n';
import { retryAvailableAt } from './step';

/**
 * The refusals of a GraphQL error, as ErrorAlert shows them (same test id and
 * data-code), plus when a sign-in may be tried again after RATE_LIMITED.
 */
export function RefusalAlert({ error }: { error?: CombinedError | null }) {
  const t = useSsoT();
  const errs = appErrors(error, t);
  const limited = errs.find((e) => e.code === 'RATE_LIMITED');
  const at = limited ? retryAvailableAt(limited.extensions) : null;
  const now = useNow(1000, !!at);
  if (errs.length === 0) return null;
  const left = secondsUntil(at, now);
  const retry = at ? (left > 0 ? t('sso.retryAt', { time: formatClock(at), left: formatCountdown(left) }) : t('sso.retryNow')) : null;
  return (
    <Alert
      type="error"
      showIcon
      role="alert"
      data-testid="error-alert"
      data-code={errs[0].code}
      style={{ marginBottom: 16 }}
      title={errs.length === 1 ? errs[0].message : t('error.several')}
      description={
        errs.length > 1 || retry ? (
          <>
            {errs.length > 1 ? errs.map((e, i) => <div key={i}>{e.message}</div>) : null}
            {retry ? <div data-testid="retry-at">{retry}</div> : null}
          </>
        ) : undefined
      }
    />
  );
}
