import { Alert } from 'antd';
import { canCreateCitizens, type Viewer } from '../auth/viewer';
import { useT } from '../i18n';
import type { MessageKey } from '../i18n/messages';

/** Why this officer cannot create citizen accounts yet, in the words of source §4.1; null when they can. */
export function deskProblem(v: Viewer | null): MessageKey | null {
  if (!v?.officer) return 'desk.notOfficer';
  if (canCreateCitizens(v)) return null;
  const b = v.officer.blockers;
  if (b.includes('VNPOST_ACCOUNT')) return 'grant.blocked.vnpost';
  if (b.includes('NO_UNIT') || !v.officer.unit) return 'desk.noUnit';
  if (b.includes('UNIT_NOT_SERVICE_DESK')) return 'desk.notDesk';
  return 'desk.noRight';
}

/** An alert explaining why account creation is unavailable (or nothing). */
export function DeskReadiness({ viewer }: { viewer: Viewer | null }) {
  const t = useT();
  const p = deskProblem(viewer);
  if (!p) return null;
  return <Alert type="warning" showIcon style={{ marginBottom: 16 }} title={t('desk.cannotCreate')} description={t(p)} data-testid="desk-problem" />;
}
