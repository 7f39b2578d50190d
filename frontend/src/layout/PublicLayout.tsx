import type { ReactNode } from 'react';
import { Flex } from 'antd';
import { LangSwitch } from '../components/LangSwitch';
import { useT } from '../i18n';
import { useIsPhone } from '../lib/useScreen';

/** The frame of the signed-out screens: a centred panel under the portal's name. */
export function PublicLayout({ title, children, width = 440 }: { title: string; children: ReactNode; width?: number }) {
  const t = useT();
  const phone = useIsPhone();
  return (
    <Flex vertical align="center" style={{ minHeight: '100vh', background: '#f0f4f8', padding: phone ? '12px 8px' : '48px 16px' }}>
      <header style={{ width: Math.max(width, 560), maxWidth: '100%', marginBottom: phone ? 8 : 16 }}>
        <Flex justify="space-between" align="flex-start" gap={12}>
          <div style={{ minWidth: 0 }}>
            <div className="brand" style={{ fontSize: phone ? 16 : 20 }}>
              {t('app.name')}
            </div>
            <div className="muted">{t('app.tagline')}</div>
          </div>
          <LangSwitch compact={phone} />
        </Flex>
      </header>
      <main style={{ width, maxWidth: '100%' }}>
        <div className="panel">
          <h1 className="page-title" style={{ marginBottom: 16 }}>
            {title}
          </h1>
          {children}
        </div>
      </main>
    </Flex>
  );
}
