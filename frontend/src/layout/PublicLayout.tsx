import type { ReactNode } from 'react';
import { Card, Flex, Typography } from 'antd';
import { LangSwitch } from '../components/LangSwitch';
import { useT } from '../i18n';

/** The frame of the signed-out screens: a centred card under the portal's name. */
export function PublicLayout({ title, children, width = 420 }: { title: string; children: ReactNode; width?: number }) {
  const t = useT();
  return (
    <Flex vertical align="center" style={{ minHeight: '100vh', background: '#f0f4f8', padding: '48px 16px' }}>
      <Flex justify="space-between" align="center" gap={16} style={{ width: Math.max(width, 560), maxWidth: '100%', marginBottom: 16 }}>
        <div>
          <Typography.Title level={4} style={{ margin: 0, color: '#a8071a' }}>
            {t('app.name')}
          </Typography.Title>
          <Typography.Text type="secondary">{t('app.tagline')}</Typography.Text>
        </div>
        <LangSwitch />
      </Flex>
      <Card style={{ width, maxWidth: '100%' }}>
        <Typography.Title level={3} style={{ marginTop: 0 }}>
          {title}
        </Typography.Title>
        {children}
      </Card>
    </Flex>
  );
}
