import type { CSSProperties, ReactNode } from 'react';
import { Card, Flex, Typography } from 'antd';
import { useIsPhone } from '../lib/useScreen';

/**
 * A screen: its title as the page's heading with its actions beside it (below
 * it on a phone, never cut off), and the content in a card.
 */
export function Page({ title, extra, children, bare = false }: { title: ReactNode; extra?: ReactNode; children: ReactNode; bare?: boolean }) {
  const phone = useIsPhone();
  return (
    <section>
      <Flex wrap justify="space-between" align="center" gap={8} style={{ marginBottom: phone ? 8 : 16 }}>
        <Typography.Title level={1} style={{ margin: 0, fontSize: phone ? 20 : 24 }}>
          {title}
        </Typography.Title>
        {extra ? (
          <Flex wrap gap={8} align="center">
            {extra}
          </Flex>
        ) : null}
      </Flex>
      {bare ? children : <Card styles={{ body: { padding: phone ? 12 : 24 } }}>{children}</Card>}
    </section>
  );
}

/** A titled part of a screen, in a card; the title wraps instead of being cut. */
export function Section({ title, extra, children, style, testId }: { title: ReactNode; extra?: ReactNode; children: ReactNode; style?: CSSProperties; testId?: string }) {
  const phone = useIsPhone();
  return (
    <Card style={style} styles={{ body: { padding: phone ? 12 : 20 } }} data-testid={testId}>
      <Flex wrap justify="space-between" align="center" gap={8} style={{ marginBottom: 12 }}>
        <Typography.Title level={2} style={{ margin: 0, fontSize: 18 }}>
          {title}
        </Typography.Title>
        {extra}
      </Flex>
      {children}
    </Card>
  );
}
