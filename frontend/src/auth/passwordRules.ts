import type { FormRule } from 'antd';
import type { T } from '../i18n';
import { checkNewPassword } from '../lib/validate';

/** Form rules for a new password: length by the server's rule (8–128 characters). */
export function newPasswordRules(t: T): FormRule[] {
  return [
    { required: true, message: t('validate.password.required') },
    {
      validator: async (_, v: string | undefined) => {
        const p = v ? checkNewPassword(v) : null;
        if (p) throw new Error(t(p.key, p.vars));
      },
    },
  ];
}

/** Form rules for the confirmation of the new password in field `newPassword`. */
export function confirmRules(t: T): FormRule[] {
  return [
    { required: true, message: t('validate.password.confirmRequired') },
    ({ getFieldValue }) => ({
      validator: async (_, v: string | undefined) => {
        if (v && v !== getFieldValue('newPassword')) throw new Error(t('validate.password.mismatch'));
      },
    }),
  ];
}
