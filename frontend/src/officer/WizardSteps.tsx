import { Steps } from 'antd';
import { useT } from '../i18n';

/** The three steps of source §3, with the current one highlighted. */
export function WizardSteps({ current, done }: { current: 0 | 1 | 2; done?: boolean }) {
  const t = useT();
  return (
    <Steps
      current={current}
      status={done ? 'finish' : 'process'}
      style={{ marginBottom: 24 }}
      data-testid="wizard-steps"
      items={[
        { title: t('wizard.step1'), content: t('wizard.step1.sub') },
        { title: t('wizard.step2'), content: t('wizard.step2.sub') },
        { title: t('wizard.step3'), content: t('wizard.step3.sub') },
      ]}
    />
  );
}
