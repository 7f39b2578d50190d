import type { ReactNode } from 'react';

/**
 * Labelled values (a description list): label beside value on a wide screen, above
 * it on a phone. Plain HTML, so a citizen's page needs no table component.
 */
export function Facts({ items, testId }: { items: ReadonlyArray<readonly [label: string, value: ReactNode]>; testId?: string }) {
  return (
    <dl className="facts" data-testid={testId}>
      {items.map(([label, value]) => (
        <div key={label} className="facts-row">
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
