import { Alert, Col, Descriptions, Row } from 'antd';
import { useLocation } from 'react-router';
import { useViewer } from './viewer';
import { useT } from '../i18n';
import { formatDate } from '../lib/format';
import { useIsPhone } from '../lib/useScreen';
import { AccountStatusTag } from '../components/Tags';
import { Page, Section } from '../components/Page';
import { ChangePasswordForm } from './ChangePasswordPage';
import { SessionsCard } from './SessionsCard';

/** One's own account: details, password change and the list of sessions. */
export function MePage() {
  const t = useT();
  const phone = useIsPhone();
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
            <Descriptions column={1} bordered={!phone} size="small" layout={phone ? 'vertical' : 'horizontal'}>
              <Descriptions.Item label={t('field.fullName')}>{a.fullName}</Descriptions.Item>
              <Descriptions.Item label={t('field.idNumber')}>{a.idNumberMasked}</Descriptions.Item>
              <Descriptions.Item label={t('field.dateOfBirth')}>{formatDate(a.dateOfBirth)}</Descriptions.Item>
              <Descriptions.Item label={t('field.phone')}>{a.phoneMasked}</Descriptions.Item>
              <Descriptions.Item label={t('field.email')}>{a.email || '—'}</Descriptions.Item>
              <Descriptions.Item label={t('field.status')}>
                <AccountStatusTag status={a.status} />
              </Descriptions.Item>
              {viewer.officer?.unit ? <Descriptions.Item label={t('field.unit')}>{viewer.officer.unit.name}</Descriptions.Item> : null}
            </Descriptions>
          </Section>
          <SessionsCard style={{ marginTop: 16 }} />
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
