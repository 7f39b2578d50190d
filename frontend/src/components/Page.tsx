import type { CSSProperties, ReactNode } from 'react';
import { Flex } from 'antd';

/**
 * A screen: its title as the page's heading with its actions beside it (below
 * it on a phone, never cut off), and the content in a panel.
 */
export function Page({ title, extra, children, bare = false }: { title: ReactNode; extra?: ReactNode; children: ReactNode; bare?: boolean }) {
  return (
    <section>
      <Flex wrap justify="space-between" align="center" gap={8} style={{ marginBottom: 12 }}>
        <h1 className="page-title">{title}</h1>
        {extra ? (
          <Flex wrap gap={8} align="center">
            {extra}
          </Flex>
        ) : null}
      </Flex>
      {bare ? children : <div className="panel">{children}</div>}
    </section>
  );
}

/** A titled part of a screen, in a panel; the title wraps instead of being cut. */
export function Section({ title, extra, children, style, testId }: { title: ReactNode; extra?: ReactNode; children: ReactNode; style?: CSSProperties; testId?: string }) {
  return (
    <section className="panel" style={style} data-testid={testId}>
      <Flex wrap justify="space-between" align="center" gap={8} style={{ marginBottom: 12 }}>
        <h2 className="section-title">{title}</h2>
        {extra}
      </Flex>
      {children}
    </section>
  );
}
