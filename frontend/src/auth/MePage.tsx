import { Alert, Col, Row } from 'antd';
import { Facts } from '../components/Facts';
import { useLocation } from 'react-router';
import { useViewer } from './viewer';
import { useT } from '../i18n';
import { formatDate } from '../lib/format';
import { AccountStatusTag } from '../components/Tags';
import { Page, Section } from '../components/Page';
import { ChangePasswordForm } from './ChangePasswordPage';
import { SessionsCard } from './SessionsCard';
import { ConnectedAppsCard } from '../sso/ConnectedAppsCard';

/** One's own account: details, password change and the list of sessions. */
export function MePage() {
  const t = useT();
  const { viewer } = useViewer();
  const location = useLocation();
  if (!viewer) return null;
  const a = viewer.account;
  // Set by the forced password change: say that it worked.
  const passwordChanged = (location.state as { passwordChanged?: boolean } | null)?.passwordChanged === true;
  return (
    <Page title={t('me.title')} bare>
      {passwordChanged ? (
        <Alert
          type="success"
          showIcon
          role="status"
          data-testid="password-changed"
          style={{ marginBottom: 16 }}
          title={t('changePassword.forcedDone')}
          description={t('changePassword.forcedDoneHint')}
        />
      ) : null}
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={14}>
          <Section title={t('me.details')} testId="account-details">
            <Facts
              items={[
                [t('field.fullName'), a.fullName],
                [t('field.idNumber'), a.idNumberMasked],
                [t('field.dateOfBirth'), formatDate(a.dateOfBirth)],
                [t('field.phone'), a.phoneMasked],
                [t('field.email'), a.email || '—'],
                [t('field.status'), <AccountStatusTag key="s" status={a.status} />],
                ...(viewer.officer?.unit ? [[t('field.unit'), viewer.officer.unit.name] as const] : []),
              ]}
            />
          </Section>
          <SessionsCard style={{ marginTop: 16 }} />
          <div style={{ marginTop: 16 }}>
            <ConnectedAppsCard />
          </div>
        </Col>
        <Col xs={24} xl={10}>
          <Section title={t('changePassword.title')}>
            <ChangePasswordForm />
          </Section>
        </Col>
      </Row>
    </Page>
  );
}
