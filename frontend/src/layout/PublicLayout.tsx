import type { ReactNode } from 'react';
import { Card, Flex, Typography } from 'antd';
import { LangSwitch } from '../components/LangSwitch';
import { useT } from '../i18n';
import { useIsPhone } from '../lib/useScreen';

/** The frame of the signed-out screens: a centred card under the portal's name. */
export function PublicLayout({ title, children, width = 440 }: { title: string; children: ReactNode; width?: number }) {
  const t = useT();
  const phone = useIsPhone();
  return (
    <Flex vertical align="center" style={{ minHeight: '100vh', background: '#f0f4f8', padding: phone ? '12px 8px' : '48px 16px' }}>
      <header style={{ width: Math.max(width, 560), maxWidth: '100%', marginBottom: phone ? 8 : 16 }}>
        <Flex justify="space-between" align="flex-start" gap={12}>
          <div style={{ minWidth: 0 }}>
            <Typography.Text strong style={{ display: 'block', margin: 0, color: '#a8071a', fontSize: phone ? 16 : 20 }}>
              {t('app.name')}
            </Typography.Text>
            <Typography.Text type="secondary">{t('app.tagline')}</Typography.Text>
          </div>
          <LangSwitch compact={phone} />
        </Flex>
      </header>
      <main style={{ width, maxWidth: '100%' }}>
        <Card styles={{ body: { padding: phone ? 16 : 24 } }}>
          <Typography.Title level={1} style={{ marginTop: 0, fontSize: phone ? 22 : 24 }}>
            {title}
          </Typography.Title>
          {children}
        </Card>
      </main>
    </Flex>
  );
}
