import { useState } from 'react';
import { Alert, Button, Checkbox, Col, Descriptions, Flex, Result, Row, Skeleton, Space, Typography } from 'antd';
import { Section } from '../components/Page';
import { useIsPhone } from '../lib/useScreen';
import { ArrowLeftOutlined, ApartmentOutlined, CheckCircleOutlined } from '@ant-design/icons';
import { Link, useParams } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { useT } from '../i18n';
import { formatDate } from '../lib/format';
import { ErrorAlert } from '../components/ErrorAlert';
import { AccountStatusTag, OriginTag, ServiceDeskTag } from '../components/Tags';
import { UnitPicker } from '../components/UnitPicker';
import { isSuperAdmin, useViewer } from '../auth/viewer';
import { grantBlocked } from './grant';
import { graphql } from '../gql';

const OfficerQuery = graphql(`
  query Officer($id: ID!) {
    node(id: $id) {
      __typename
      ... on Officer {
        ...OfficerFields
      }
    }
  }
`);

const MoveOfficerMutation = graphql(`
  mutation MoveOfficer($officerID: ID!, $unitID: ID!) {
    moveOfficer(officerID: $officerID, unitID: $unitID) {
      officer {
        ...OfficerFields
      }
      notice {
        code
        message
      }
    }
  }
`);

const SetOfficerPermissionsMutation = graphql(`
  mutation SetOfficerPermissions($officerID: ID!, $permissions: [Permission!]!) {
    setOfficerPermissions(officerID: $officerID, permissions: $permissions) {
      ...OfficerFields
    }
  }
`);

const GrantAdminMutation = graphql(`
  mutation GrantAdmin($accountID: ID!, $unitID: ID!) {
    grantAdmin(accountID: $accountID, unitID: $unitID) {
      ...OfficerFields
    }
  }
`);


/** One officer: attach a unit (§2 step 2) and grant the right to create citizen accounts (§2 step 3). */
export function OfficerDetailPage() {
  const t = useT();
  const { id = '' } = useParams();
  const { viewer } = useViewer();
  const [{ data, fetching, error }] = useQuery({ query: OfficerQuery, variables: { id } });
  const [unitState, moveOfficer] = useMutation(MoveOfficerMutation);
  const [permState, setPermissions] = useMutation(SetOfficerPermissionsMutation);
  const [adminState, grantAdmin] = useMutation(GrantAdminMutation);
  const [pickingUnit, setPickingUnit] = useState(false);
  const [pickingAdminUnit, setPickingAdminUnit] = useState(false);
  // The admin's choice for this officer; until they touch the box it shows what is granted.
  const [choice, setChoice] = useState<{ id: string; checked: boolean } | null>(null);
  // What was just saved, said beside its button (a toast would follow the admin to the next screen).
  const [saved, setSaved] = useState<'unit' | 'rights' | 'admin' | null>(null);
  // What the server said about the last move of this officer (in the page's language).
  const [notice, setNotice] = useState<{ officerID: string; message: string } | null>(null);
  const phone = useIsPhone();

  const node = data?.node;
  const officer = node && node.__typename === 'Officer' ? node : null;
  const granted = !!officer?.permissions.includes('CREATE_CITIZEN_ACCOUNTS');
  const checked = choice && choice.id === officer?.id ? choice.checked : granted;
  const setChecked = (v: boolean) => {
    setSaved(null);
    setChoice(officer ? { id: officer.id, checked: v } : null);
  };

  if (fetching && !data) return <Skeleton active />;
  if (error && !data) return <ErrorAlert error={error} />;
  if (!officer) return <Result status="404" title={t('officer.notFound')} extra={<Link to="/admin/officers">{t('action.back')}</Link>} />;

  const a = officer.account;
  const blocked = grantBlocked({
    blockers: officer.blockers,
    manageable: officer.manageable,
    unitName: officer.unit?.name,
    isSelf: a.id === viewer?.account.id,
  });
  // An existing grant can always be taken away, even when it could not be given now.
  const checkboxDisabled = !!blocked && !granted;

  return (
    <Space orientation="vertical" size={24} style={{ width: '100%' }}>
      <Link to="/admin/officers">
        <ArrowLeftOutlined /> {t('officer.backToList')}
      </Link>
      {notice && notice.officerID === officer.id ? <Alert type="info" showIcon title={notice.message} data-testid="officer-notice" /> : null}
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={12}>
          <Section title={t('officer.account')}>
            <Descriptions column={1} bordered={!phone} size="small" layout={phone ? 'vertical' : 'horizontal'}>
              <Descriptions.Item label={t('field.fullName')}>
                <Typography.Text strong data-testid="officer-name">{a.fullName}</Typography.Text>
              </Descriptions.Item>
              <Descriptions.Item label={t('field.idNumber')}>{a.idNumberMasked}</Descriptions.Item>
              <Descriptions.Item label={t('field.dateOfBirth')}>{formatDate(a.dateOfBirth)}</Descriptions.Item>
              <Descriptions.Item label={t('field.phone')}>{a.phoneMasked}</Descriptions.Item>
              <Descriptions.Item label={t('field.email')}>{a.email || '—'}</Descriptions.Item>
              <Descriptions.Item label={t('field.status')}><AccountStatusTag status={a.status} /></Descriptions.Item>
              <Descriptions.Item label={t('field.origin')}><OriginTag origin={a.origin} /></Descriptions.Item>
            </Descriptions>
          </Section>
        </Col>
        <Col xs={24} xl={12}>
          <Space orientation="vertical" size={16} style={{ width: '100%' }}>
            <Section
              title={t('officer.unitTitle')}
              extra={
                <Button icon={<ApartmentOutlined />} onClick={() => setPickingUnit(true)}>
                  {officer.unit ? t('officer.changeUnit') : t('officer.attachUnit')}
                </Button>
              }
            >
              <ErrorAlert error={unitState.error} />
              {officer.unit ? (
                <div data-testid="officer-unit">
                  <Typography.Text strong>{officer.unit.name}</Typography.Text> <ServiceDeskTag isServiceDesk={officer.unit.isServiceDesk} />
                  <div>
                    <Typography.Text type="secondary">
                      {t('unit.code')}: <Typography.Text code>{officer.unit.code}</Typography.Text>
                      {officer.unit.parent ? ` · ${officer.unit.parent.name}` : ''}
                    </Typography.Text>
                  </div>
                </div>
              ) : (
                <Typography.Text type="secondary">{t('officers.noUnit')}</Typography.Text>
              )}
              {saved === 'unit' ? <Saved text={t('officer.unitSaved')} /> : null}
            </Section>
            <Section title={t('officer.rightsTitle')}>
              <ErrorAlert error={permState.error} />
              <Typography.Text type="secondary" style={{ display: 'block', marginBottom: 8 }}>
                {t('officer.rightsGroup')}
              </Typography.Text>
              <Checkbox
                checked={checked}
                disabled={checkboxDisabled}
                onChange={(e) => setChecked(e.target.checked)}
                data-testid="grant-checkbox"
                aria-describedby={blocked ? 'grant-reason' : undefined}
              >
                {t('officer.rightCreate')}
              </Checkbox>
              {blocked ? (
                <Alert
                  id="grant-reason"
                  data-testid="grant-reason"
                  type="warning"
                  showIcon
                  style={{ marginTop: 12 }}
                  title={t('officer.cannotGrant')}
                  description={t(blocked.key, blocked.vars)}
                />
              ) : null}
              <Flex wrap gap={12} align="center" style={{ marginTop: 16 }}>
                <Button
                  type="primary"
                  disabled={checked === granted}
                  loading={permState.fetching}
                  onClick={async () => {
                    const r = await setPermissions({ officerID: officer.id, permissions: checked ? ['CREATE_CITIZEN_ACCOUNTS'] : [] });
                    if (r.data) {
                      setChoice(null);
                      setSaved('rights');
                    }
                  }}
                >
                  {t('action.save')}
                </Button>
                {saved === 'rights' ? <Saved text={t('officer.saved')} /> : null}
              </Flex>
            </Section>
            {isSuperAdmin(viewer) ? (
              <Section title={t('officer.adminTitle')}>
                <Typography.Paragraph type="secondary">{t('officer.adminIntro')}</Typography.Paragraph>
                <ErrorAlert error={adminState.error} />
                <Button onClick={() => setPickingAdminUnit(true)} disabled={a.origin === 'VNPOST'}>
                  {t('officer.grantAdmin')}
                </Button>
                {saved === 'admin' ? <Saved text={t('officer.adminSaved')} /> : null}
              </Section>
            ) : null}
          </Space>
        </Col>
      </Row>
      <UnitPicker
        open={pickingUnit}
        title={t('officer.pickUnit')}
        busy={unitState.fetching}
        onCancel={() => setPickingUnit(false)}
        onPick={async (u) => {
          const r = await moveOfficer({ officerID: officer.id, unitID: u.id });
          setPickingUnit(false);
          if (r.data) {
            const n = r.data.moveOfficer.notice;
            setNotice(n ? { officerID: officer.id, message: n.message } : null);
            setSaved('unit');
          }
        }}
      />
      <UnitPicker
        open={pickingAdminUnit}
        title={t('officer.grantAdmin')}
        busy={adminState.fetching}
        onCancel={() => setPickingAdminUnit(false)}
        onPick={async (u) => {
          const r = await grantAdmin({ accountID: a.id, unitID: u.id });
          setPickingAdminUnit(false);
          if (r.data) setSaved('admin');
        }}
      />
    </Space>
  );
}

/** A short confirmation beside what was saved, read out by screen readers. */
function Saved({ text }: { text: string }) {
  return (
    <Typography.Text role="status" style={{ display: 'inline-block', marginTop: 8, color: '#237804' }}>
      <CheckCircleOutlined /> {text}
    </Typography.Text>
  );
}
