import { Result } from 'antd';
import { Link } from 'react-router';
import { useT } from '../i18n';

/** A route that does not exist, or (forbidden) a screen the viewer's role may not open. */
export function NotFoundPage({ forbidden = false }: { forbidden?: boolean }) {
  const t = useT();
  return (
    <Result
      status={forbidden ? '403' : '404'}
      title={<h1 className="result-title">{forbidden ? t('error.FORBIDDEN') : t('state.notFound')}</h1>}
      extra={<Link to="/">{t('action.home')}</Link>}
    />
  );
}
