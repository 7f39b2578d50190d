import type { ReactNode } from 'react';
import { Flex } from 'antd';

/**
 * The wizard's buttons, kept at the bottom edge of the window while the form is
 * taller than the window: on a 1366×768 desk screen the primary action is always
 * in sight, without scrolling.
 */
export function ActionBar({ children }: { children: ReactNode }) {
  return (
    <Flex
      wrap
      gap={8}
      align="center"
      data-testid="action-bar"
      style={{
        position: 'sticky',
        bottom: 0,
        zIndex: 3,
        background: '#fff',
        borderTop: '1px solid #f0f0f0',
        margin: '8px -12px 0',
        padding: '10px 12px',
      }}
    >
      {children}
    </Flex>
  );
}
