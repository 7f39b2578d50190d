import { Segmented } from 'antd';
import { useLang, type Lang } from '../i18n';

/**
 * Switches the UI between Vietnamese and English; the choice is kept in this
 * browser. Compact (for a phone's header) shows "VI"/"EN", with the full names
 * for screen readers.
 */
export function LangSwitch({ compact = false }: { compact?: boolean }) {
  const { lang, setLang, t } = useLang();
  return (
    <Segmented<Lang>
      size="small"
      aria-label={t('lang.label')}
      data-testid="lang-switch"
      value={lang}
      onChange={setLang}
      options={[
        { label: compact ? <span aria-label="Tiếng Việt">VI</span> : 'Tiếng Việt', value: 'vi' },
        { label: compact ? <span aria-label="English">EN</span> : 'English', value: 'en' },
      ]}
    />
  );
}
