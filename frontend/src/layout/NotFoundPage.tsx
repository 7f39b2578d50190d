import { Result } from 'antd';
import { Link } from 'react-router';
import { useT } from '../i18n';

/** A route that does not exist. */
export function NotFoundPage() {
  const t = useT();
  return <Result status="404" title={t('state.notFound')} extra={<Link to="/">{t('action.home')}</Link>} />;
}

/** A screen the viewer's role may not open. */
export function ForbiddenPage() {
  const t = useT();
  return <Result status="403" title={t('error.FORBIDDEN')} extra={<Link to="/">{t('action.home')}</Link>} />;
}
