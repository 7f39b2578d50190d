import { useT } from '../i18n';

/** "Loading…" while a screen's code or data arrives: a plain spinner (no UI library needed yet). */
export function Loading({ fullscreen = false }: { fullscreen?: boolean }) {
  const t = useT();
  return (
    <div className={fullscreen ? 'loading loading-fullscreen' : 'loading'} role="status">
      <span className="loading-ring" aria-hidden="true" />
      <span>{t('state.loading')}</span>
    </div>
  );
}
