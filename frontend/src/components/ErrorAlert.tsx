import { Alert } from 'antd';
import type { CombinedError } from 'urql';
import { appErrors } from '../lib/errors';
import { useT } from '../i18n';

/** Shows the refusals in a GraphQL error as one alert; nothing when there is none. */
export function ErrorAlert({ error, style }: { error?: CombinedError | null; style?: React.CSSProperties }) {
  const t = useT();
  const errs = appErrors(error, t);
  if (errs.length === 0) return null;
  return (
    <Alert
      type="error"
      showIcon
      role="alert"
      data-testid="error-alert"
      data-code={errs[0].code}
      style={{ marginBottom: 16, ...style }}
      title={errs.length === 1 ? errs[0].message : t('error.several')}
      description={errs.length > 1 ? errs.map((e, i) => <div key={i}>{e.message}</div>) : undefined}
    />
  );
}
