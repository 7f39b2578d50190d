import { useState } from 'react';
import { Alert, Button, Col, DatePicker, Form, Input, Row, Select, Space, Typography, Upload } from 'antd';
import { Page } from '../components/Page';
import { ActionBar } from './ActionBar';
import { InboxOutlined, SearchOutlined } from '@ant-design/icons';
import { dayjs, useDayjsLocale, type Dayjs } from '../lib/dates';
import { useLang } from '../i18n';
import { Link, useNavigate } from 'react-router';
import { useClient, useMutation, type CombinedError } from 'urql';
import type { LookupCitizenQuery as LookupResult } from '../gql/graphql';
import { useT } from '../i18n';
import { appErrors, type AppError } from '../lib/errors';
import { checkEmail, checkIdMatchesBirthYear, checkIdNumber, checkPhone, checkScanFile, checkScanKind, fileKind, maxScanBytes, stripSeparators } from '../lib/validate';
import type { MessageKey } from '../i18n/messages';
import { ErrorAlert } from '../components/ErrorAlert';
import { ServiceDeskTag } from '../components/Tags';
import { useViewer } from '../auth/viewer';
import { DeskReadiness, deskProblem } from './DeskReadiness';
import { WizardSteps } from './WizardSteps';
import { graphql } from '../gql';

const LookupCitizenQuery = graphql(`
  query LookupCitizen($idNumber: String!) {
    lookupCitizen(idNumber: $idNumber) {
      exists
      maskedName
      warnings
      idKind
      province
    }
  }
`);

const StartRegistrationMutation = graphql(`
  mutation StartRegistration($input: StartRegistrationInput!) {
    startRegistration(input: $input) {
      ...RegistrationFields
    }
  }
`);


interface Fields {
  idNumber: string;
  fullName: string;
  dateOfBirth: Dayjs;
  phone: string;
  email?: string;
  unitID: string;
}

// Fields the server may name in extensions.field, as form fields.
const formFields = ['idNumber', 'fullName', 'dateOfBirth', 'phone', 'email', 'unitID'] as const;

/** Step 1 of source §3: look the ID number up, then enter the citizen's data and the scan. */
export function NewRegistrationPage() {
  const t = useT();
  useDayjsLocale(useLang().lang);
  const navigate = useNavigate();
  const client = useClient();
  const { viewer } = useViewer();
  const [form] = Form.useForm<Fields>();
  const [lookup, setLookup] = useState<{ idNumber: string; result: LookupResult['lookupCitizen'] } | null>(null);
  const [lookupError, setLookupError] = useState<CombinedError | null>(null);
  const [looking, setLooking] = useState(false);
  const [scan, setScan] = useState<File | null>(null);
  const [scanProblem, setScanProblem] = useState<string | null>(null);
  const [startState, start] = useMutation(StartRegistrationMutation);
  const [openCase, setOpenCase] = useState<string | null>(null);
  const [otherErrors, setOtherErrors] = useState<AppError[]>([]);

  const unit = viewer?.officer?.unit;
  const ready = deskProblem(viewer) === null;
  const cleared = !!lookup && !lookup.result.exists;

  const runLookup = async () => {
    const raw: string = form.getFieldValue('idNumber') ?? '';
    const p = checkIdNumber(raw, false);
    if (p) {
      form.setFields([{ name: 'idNumber', errors: [t(p.key, p.vars)] }]);
      return;
    }
    form.setFields([{ name: 'idNumber', errors: [] }]);
    setLooking(true);
    const idNumber = stripSeparators(raw);
    const r = await client.query(LookupCitizenQuery, { idNumber }, { requestPolicy: 'network-only' }).toPromise();
    setLooking(false);
    setLookupError(r.error ?? null);
    setLookup(r.data ? { idNumber, result: r.data.lookupCitizen } : null);
  };

  // The scan is checked when it is picked: its size, then what its first bytes say it is.
  const pickScan = async (file: File) => {
    const size = checkScanFile(file);
    const kind = size ? null : fileKind(new Uint8Array(await file.slice(0, 4096).arrayBuffer()));
    const p = size ?? (kind ? checkScanKind(kind) : null);
    if (p) {
      setScan(null);
      setScanProblem(t(p.key, p.key === 'validate.scan.kind' ? { kind: t(`fileKind.${kind}` as MessageKey) } : p.vars));
      return;
    }
    setScanProblem(null);
    setScan(file);
  };

  const onFinish = async (f: Fields) => {
    if (!scan) {
      setScanProblem(t('validate.scan.required'));
      return;
    }
    const r = await start({
      input: {
        idNumber: stripSeparators(f.idNumber),
        fullName: f.fullName.trim().replace(/\s+/g, ' '),
        dateOfBirth: f.dateOfBirth.format('YYYY-MM-DD'),
        phone: f.phone.trim(),
        email: f.email?.trim() || null,
        unitID: f.unitID,
        scan,
      },
    });
    setOtherErrors([]);
    if (r.error) {
      // Put refusals about one field next to that field; the others above the buttons.
      const errs = appErrors(r.error, t);
      const onField = (e: AppError) => !!e.field && (formFields as readonly string[]).includes(e.field);
      form.setFields(errs.filter(onField).map((e) => ({ name: e.field as keyof Fields, errors: [e.message] })));
      setOtherErrors(errs.filter((e) => !onField(e) && e.field !== 'scan' && e.code !== 'FILE_TOO_LARGE' && e.code !== 'FILE_TYPE_NOT_ALLOWED'));
      // A case for this ID number is already open at this desk: offer to resume it.
      const open = errs.find((e) => e.code === 'INVALID_STATE' && e.extensions.reason === 'OPEN_BY_YOU');
      setOpenCase(typeof open?.extensions.registrationID === 'string' ? open.extensions.registrationID : null);
      const scanErr = errs.find((e) => e.field === 'scan' || e.code === 'FILE_TOO_LARGE' || e.code === 'FILE_TYPE_NOT_ALLOWED');
      if (scanErr) setScanProblem(scanErr.message);
      return;
    }
    if (r.data) navigate(`/officer/registrations/${r.data.startRegistration.id}`);
  };

  return (
    <Page title={t('wizard.title')} extra={<Link to="/officer/accounts">{t('wizard.backToList')}</Link>}>
      <WizardSteps current={0} />
      <DeskReadiness viewer={viewer} />
      <Form<Fields>
        form={form}
        layout="vertical"
        onFinish={onFinish}
        disabled={!ready}
        initialValues={{ unitID: unit?.isServiceDesk ? unit.id : undefined }}
        onValuesChange={(changed) => {
          // A different ID number needs a new lookup.
          if ('idNumber' in changed && lookup && stripSeparators(changed.idNumber ?? '') !== lookup.idNumber) setLookup(null);
        }}
        scrollToFirstError
      >
        <Row gutter={24}>
          <Col xs={24} lg={12}>
            <Form.Item label={t('field.idNumber')} htmlFor="idNumber" required extra={t('wizard.idHelp')}>
              <Space.Compact style={{ width: '100%' }}>
                <Form.Item
                  name="idNumber"
                  noStyle
                  validateTrigger={[]}
                  rules={[{ validator: async (_, v: string | undefined) => { const p = checkIdNumber(v ?? '', true); if (p) throw new Error(t(p.key, p.vars)); } }]}
                >
                  <Input
                    id="idNumber"
                    autoFocus
                    inputMode="numeric"
                    autoComplete="off"
                    onPressEnter={(e) => {
                      e.preventDefault();
                      void runLookup();
                    }}
                  />
                </Form.Item>
                <Button icon={<SearchOutlined />} onClick={runLookup} loading={looking} data-testid="lookup-button">
                  {t('wizard.lookup')}
                </Button>
              </Space.Compact>
            </Form.Item>
          </Col>
          <Col xs={24} lg={12}>
            <ErrorAlert error={lookupError} />
            {lookup?.result.exists ? (
              <Alert
                type="error"
                showIcon
                data-testid="lookup-exists"
                title={t('wizard.exists.title')}
                description={t('wizard.exists.body', { name: (lookup.result.maskedName ?? '—').replace(/ /g, '\u00a0') })}
              />
            ) : null}
            {cleared ? (
              <Alert type="success" showIcon data-testid="lookup-clear" title={t('wizard.clear')} />
            ) : null}
            {lookup?.result.warnings.map((w, i) => (
              <Alert key={i} type="warning" showIcon title={w} style={{ marginTop: 8 }} />
            ))}
            {!lookup && !lookupError ? <Typography.Paragraph type="secondary">{t('wizard.lookupFirst')}</Typography.Paragraph> : null}
          </Col>
        </Row>
        <fieldset disabled={!cleared} style={{ border: 0, padding: 0, margin: 0, minWidth: 0, opacity: cleared ? 1 : 0.55 }} aria-label={t('wizard.citizenData')}>
          <Row gutter={24}>
            <Col xs={24} lg={12}>
              <Form.Item
                label={t('field.fullName')}
                name="fullName"
                rules={[
                  { required: true, whitespace: true, message: t('validate.fullName.required') },
                  { max: 100, message: t('validate.fullName.long') },
                ]}
              >
                <Input autoComplete="off" disabled={!cleared} />
              </Form.Item>
              <Form.Item
                label={t('field.dateOfBirth')}
                name="dateOfBirth"
                dependencies={['idNumber']}
                rules={[
                  { required: true, message: t('validate.dateOfBirth.required') },
                  {
                    validator: async (_, v: Dayjs | undefined) => {
                      if (!v) return;
                      if (v.isAfter(dayjs(), 'day')) throw new Error(t('validate.dateOfBirth.future'));
                      const p = checkIdMatchesBirthYear(form.getFieldValue('idNumber') ?? '', v.format('YYYY-MM-DD'));
                      if (p) throw new Error(t(p.key, p.vars));
                    },
                  },
                ]}
              >
                <DatePicker
                  format={['DD/MM/YYYY', 'D/M/YYYY', 'DDMMYYYY']}
                  placeholder={t('wizard.datePlaceholder')}
                  style={{ width: '100%' }}
                  disabledDate={(d) => d.isAfter(dayjs(), 'day')}
                  disabled={!cleared}
                />
              </Form.Item>
              <Form.Item
                label={t('field.phone')}
                name="phone"
                required
                extra={t('wizard.phoneHelp')}
                rules={[{ validator: async (_, v: string | undefined) => { const p = checkPhone(v ?? ''); if (p) throw new Error(t(p.key, p.vars)); } }]}
              >
                <Input inputMode="tel" autoComplete="off" disabled={!cleared} />
              </Form.Item>
              <Form.Item
                label={`${t('field.email')} (${t('wizard.optional')})`}
                name="email"
                rules={[{ validator: async (_, v: string | undefined) => { const p = checkEmail(v ?? ''); if (p) throw new Error(t(p.key, p.vars)); } }]}
              >
                <Input type="email" autoComplete="off" disabled={!cleared} />
              </Form.Item>
            </Col>
            <Col xs={24} lg={12}>
              <Form.Item label={t('field.unit')} name="unitID" rules={[{ required: true, message: t('validate.unit.required') }]} extra={t('wizard.unitHelp')}>
                <Select
                  disabled={!cleared}
                  options={unit?.isServiceDesk ? [{ value: unit.id, label: <span>{unit.name} <ServiceDeskTag isServiceDesk /></span> }] : []}
                  notFoundContent={t('desk.noUnit')}
                />
              </Form.Item>
              <Form.Item
                label={t('field.scan')}
                required
                validateStatus={scanProblem ? 'error' : undefined}
                help={scanProblem ?? t('wizard.scanHelp', { mb: maxScanBytes / 1024 / 1024 })}
              >
                <Upload.Dragger
                  accept=".pdf,.doc,.docx,application/pdf,application/msword,application/vnd.openxmlformats-officedocument.wordprocessingml.document"
                  multiple={false}
                  maxCount={1}
                  disabled={!cleared}
                  fileList={scan ? [{ uid: 'scan', name: scan.name, size: scan.size, status: 'done' }] : []}
                  beforeUpload={(file) => {
                    void pickScan(file);
                    return false; // uploaded with the form, not on its own
                  }}
                  onRemove={() => {
                    setScan(null);
                    return true;
                  }}
                >
                  <p className="ant-upload-text" style={{ margin: 0 }}>
                    <InboxOutlined style={{ color: '#0b5cab', fontSize: 24, marginInlineEnd: 8, verticalAlign: 'middle' }} />
                    {t('wizard.scanDrop')}
                  </p>
                  <p className="ant-upload-hint" style={{ margin: 0 }}>{t('wizard.scanHint')}</p>
                </Upload.Dragger>
              </Form.Item>
            </Col>
          </Row>
        </fieldset>
        {otherErrors.map((e, i) => (
          <Alert key={i} type="error" showIcon role="alert" data-testid="error-alert" data-code={e.code} title={e.message} style={{ marginBottom: 16 }} />
        ))}
        {openCase ? (
          <Alert
            type="info"
            showIcon
            style={{ marginBottom: 16 }}
            title={<Link to={`/officer/registrations/${openCase}`}>{t('wizard.resumeOpen')}</Link>}
          />
        ) : null}
        <ActionBar>
          <Button type="primary" htmlType="submit" disabled={!cleared || !ready} loading={startState.fetching} data-testid="start-button">
            {t('wizard.continue')}
          </Button>
          <Button onClick={() => navigate('/officer/accounts')} disabled={false}>
            {t('action.cancel')}
          </Button>
        </ActionBar>
      </Form>
    </Page>
  );
}
