import { useLang, type Lang } from '../i18n';

const choices: { value: Lang; label: string; short: string }[] = [
  { value: 'vi', label: 'Tiếng Việt', short: 'VI' },
  { value: 'en', label: 'English', short: 'EN' },
];

/**
 * Switches the UI between Vietnamese and English; the choice is kept in this
 * browser. Two toggle buttons, each named in its own language; compact (a
 * phone's header) shows "VI"/"EN" with the full names for screen readers.
 */
export function LangSwitch({ compact = false }: { compact?: boolean }) {
  const { lang, setLang, t } = useLang();
  return (
    <div className="lang-switch" role="group" aria-label={t('lang.label')} data-testid="lang-switch">
      {choices.map((c) => (
        <button
          key={c.value}
          type="button"
          lang={c.value}
          aria-pressed={lang === c.value}
          aria-label={compact ? `${c.short} (${c.label})` : undefined}
          onClick={() => setLang(c.value)}
        >
          {compact ? c.short : c.label}
        </button>
      ))}
    </div>
  );
}
