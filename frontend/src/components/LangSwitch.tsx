import { Segmented } from 'antd';
import { useLang, type Lang } from '../i18n';

/** Switches the UI between Vietnamese and English; the choice is kept in this browser. */
export function LangSwitch() {
  const { lang, setLang, t } = useLang();
  return (
    <Segmented<Lang>
      size="small"
      aria-label={t('lang.label')}
      data-testid="lang-switch"
      value={lang}
      onChange={setLang}
      options={[
        { label: 'Tiếng Việt', value: 'vi' },
        { label: 'English', value: 'en' },
      ]}
    />
  );
}
