import { Card, Col, Descriptions, Row } from 'antd';
import { useViewer } from './viewer';
import { useT } from '../i18n';
import { formatDate } from '../lib/format';
import { AccountStatusTag } from '../components/Tags';
import { ChangePasswordForm } from './ChangePasswordPage';
import { SessionsCard } from './SessionsCard';
import { ConnectedAppsCard } from '../sso/ConnectedAppsCard';

/** One's own account: details, password change and the list of sessions. */
export function MePage() {
  const t = useT();
  const { viewer, refetch } = useViewer();
  if (!viewer) return null;
  const a = viewer.account;
  return (
    <Row gutter={[24, 24]}>
      <Col xs={24} xl={14}>
        <Card title={t('me.title')}>
          <Descriptions column={1} bordered size="small">
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
        </Card>
        <div style={{ height: 24 }} />
        <SessionsCard />
        <div style={{ height: 24 }} />
        <ConnectedAppsCard />
      </Col>
      <Col xs={24} xl={10}>
        <Card title={t('changePassword.title')}>
          <ChangePasswordForm onDone={refetch} />
        </Card>
      </Col>
    </Row>
  );
}
