import { useState } from 'react';
import { Alert, Button, Checkbox, Flex, Form, Input, Modal, Radio, Space, Typography } from 'antd';
import { ApartmentOutlined } from '@ant-design/icons';
import { useMutation } from 'urql';
import type { OidcClientFieldsFragment } from '../gql/graphql';
import { appErrors, type AppError } from '../lib/errors';
import { UnitPicker } from '../components/UnitPicker';
import { CreateOidcClientMutation, UpdateOidcClientMutation } from './operations';
import { useSsoT, type SsoT } from './i18n';
import { checkURI, checkURIList, formFieldOf, uriLines, type ClientFormField, type FormProblem } from './clientForm';
import { clientScopeSelection, clientScopes, scopeItems } from './scopes';
import type { IssuedSecret } from './SecretModal';

interface PickedUnit {
  id: string;
  name: string;
}

interface Fields {
  name: string;
  unit?: PickedUnit | null;
  public: boolean;
  redirectURIs: string;
  postLogoutRedirectURIs: string;
  backchannelLogoutURI: string;
  scopes: string[];
}

/** The unit of a new client: its name and a button that opens the unit picker. */
function UnitField({ id, value, onChange }: { id?: string; value?: PickedUnit | null; onChange?: (u: PickedUnit) => void }) {
  const t = useSsoT();
  const [picking, setPicking] = useState(false);
  return (
    <>
      {/* The id (the label's target) stays off the button so that it reads "Chọn đơn vị". */}
      <Flex id={id} gap={12} align="center" wrap>
        {value ? (
          <Typography.Text strong data-testid="client-unit">{value.name}</Typography.Text>
        ) : (
          <Typography.Text type="secondary">{t('clientForm.noUnit')}</Typography.Text>
        )}
        <Button icon={<ApartmentOutlined />} onClick={() => setPicking(true)}>
          {value ? t('clientForm.changeUnit') : t('clientForm.pickUnit')}
        </Button>
      </Flex>
      <UnitPicker
        open={picking}
        title={t('clientForm.pickUnit')}
        onCancel={() => setPicking(false)}
        onPick={(u) => {
          onChange?.({ id: u.id, name: u.name });
          setPicking(false);
        }}
      />
    </>
  );
}

function problemRule(t: SsoT, check: (v: string) => FormProblem | null) {
  return {
    validator: async (_: unknown, v: string | undefined) => {
      const p = check(v ?? '');
      if (p) throw new Error(t(p.key, p.vars));
    },
  };
}

interface Props {
  open: boolean;
  /** The client to edit; a new one is registered when absent. */
  client?: OidcClientFieldsFragment | null;
  onClose: () => void;
  onCreated: (issued: IssuedSecret) => void;
  onSaved: () => void;
}

/**
 * Registers a relying party or edits one. Refusals about a field (extensions.field)
 * are shown under that field, the others above the buttons.
 */
export function ClientFormModal({ open, client, onClose, onCreated, onSaved }: Props) {
  const t = useSsoT();
  const [form] = Form.useForm<Fields>();
  const [createState, create] = useMutation(CreateOidcClientMutation);
  const [updateState, update] = useMutation(UpdateOidcClientMutation);
  const [others, setOthers] = useState<AppError[]>([]);
  const scopes = Form.useWatch('scopes', form) ?? [];
  const editing = !!client;

  const initial: Fields = client
    ? {
        name: client.name,
        unit: client.unit,
        public: client.public,
        redirectURIs: client.redirectURIs.join('\n'),
        postLogoutRedirectURIs: client.postLogoutRedirectURIs.join('\n'),
        backchannelLogoutURI: client.backchannelLogoutURI ?? '',
        scopes: clientScopeSelection(client.scopes),
      }
    : { name: '', unit: null, public: false, redirectURIs: '', postLogoutRedirectURIs: '', backchannelLogoutURI: '', scopes: ['openid', 'profile'] };

  const showRefusals = (errs: AppError[]) => {
    const onField = errs.filter((e) => formFieldOf(e.field));
    form.setFields(onField.map((e) => ({ name: formFieldOf(e.field) as ClientFormField, errors: [e.message] })));
    setOthers(errs.filter((e) => !formFieldOf(e.field)));
  };

  const onFinish = async (f: Fields) => {
    setOthers([]);
    const common = {
      name: f.name.trim().replace(/\s+/g, ' '),
      redirectURIs: uriLines(f.redirectURIs),
      postLogoutRedirectURIs: uriLines(f.postLogoutRedirectURIs),
      scopes: clientScopeSelection(f.scopes),
    };
    const backchannel = f.backchannelLogoutURI.trim();
    if (client) {
      // An empty back-channel URI removes it.
      const r = await update({ id: client.id, input: { ...common, backchannelLogoutURI: backchannel } });
      if (r.error) return showRefusals(appErrors(r.error, t));
      onSaved();
      return;
    }
    const r = await create({
      input: { ...common, unitID: f.unit?.id ?? '', public: f.public, backchannelLogoutURI: backchannel || null },
    });
    if (r.error || !r.data) return showRefusals(appErrors(r.error, t));
    onCreated(r.data.createOIDCClient);
  };

  const busy = createState.fetching || updateState.fetching;
  return (
    <Modal
      open={open}
      title={client ? t('clientForm.editTitle', { name: client.name }) : t('clientForm.createTitle')}
      onCancel={onClose}
      width={720}
      style={{ top: 24 }}
      destroyOnHidden
      mask={{ closable: false }}
      footer={
        <Space>
          <Button onClick={onClose}>{t('action.cancel')}</Button>
          <Button type="primary" loading={busy} onClick={() => form.submit()} data-testid="client-submit">
            {editing ? t('clientForm.save') : t('clientForm.create')}
          </Button>
        </Space>
      }
    >
      <Form<Fields> form={form} layout="vertical" requiredMark={false} initialValues={initial} onFinish={onFinish} data-testid="client-form">
        <Form.Item
          label={t('clients.name')}
          name="name"
          extra={t('clientForm.nameHelp')}
          rules={[{ required: true, whitespace: true, message: t('clientForm.nameRequired') }, { max: 200 }]}
        >
          <Input autoFocus maxLength={200} />
        </Form.Item>
        {editing ? null : (
          <>
            <Form.Item label={t('clients.unit')} name="unit" extra={t('clientForm.unitHelp')} rules={[{ required: true, message: t('clientForm.unitRequired') }]}>
              <UnitField />
            </Form.Item>
            <Form.Item label={t('clientForm.kind')} name="public">
              <Radio.Group>
                <Space orientation="vertical">
                  <Radio value={false}>{t('clientForm.confidentialHelp')}</Radio>
                  <Radio value={true}>{t('clientForm.publicHelp')}</Radio>
                </Space>
              </Radio.Group>
            </Form.Item>
          </>
        )}
        <Form.Item
          label={t('client.redirectURIs')}
          name="redirectURIs"
          extra={t('clientForm.urisHelp')}
          rules={[problemRule(t, (v) => checkURIList(v, true))]}
        >
          <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} spellCheck={false} placeholder="https://dichvucong.langson.gov.vn/oidc/callback" />
        </Form.Item>
        <Form.Item label={t('client.postLogoutURIs')} name="postLogoutRedirectURIs" rules={[problemRule(t, (v) => checkURIList(v, false))]}>
          <Input.TextArea autoSize={{ minRows: 1, maxRows: 6 }} spellCheck={false} />
        </Form.Item>
        <Form.Item
          label={t('client.backchannelURI')}
          name="backchannelLogoutURI"
          extra={t('clientForm.backchannelHelp')}
          rules={[problemRule(t, (v) => (v.trim() ? checkURI(v.trim()) : null))]}
        >
          <Input spellCheck={false} />
        </Form.Item>
        <Form.Item label={t('clients.scopes')} name="scopes" extra={t('clientForm.scopesHelp')}>
          <Checkbox.Group style={{ width: '100%' }}>
            <Space orientation="vertical">
              {scopeItems(clientScopes).map((s) => (
                <Checkbox key={s.scope} value={s.scope} disabled={s.scope === 'openid'} data-scope={s.scope}>
                  <Typography.Text code>{s.scope}</Typography.Text> {s.key ? t(s.key) : null}
                </Checkbox>
              ))}
            </Space>
          </Checkbox.Group>
        </Form.Item>
        {scopes.includes('vn_identity') ? (
          <Alert type="warning" showIcon style={{ marginBottom: 16 }} title={t('clientForm.vnIdentityWarning')} data-testid="vn-identity-warning" />
        ) : null}
        {others.length > 0 ? (
          <Alert
            type="error"
            showIcon
            role="alert"
            data-testid="error-alert"
            data-code={others[0].code}
            title={others.length === 1 ? others[0].message : t('error.several')}
            description={others.length > 1 ? others.map((e, i) => <div key={i}>{e.message}</div>) : undefined}
          />
        ) : null}
      </Form>
    </Modal>
  );
}
