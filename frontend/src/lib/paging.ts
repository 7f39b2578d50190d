import { useCallback, useState } from 'react';

/** Forward cursor paging: remembers the `after` cursor of every page visited. */
export function useCursorPaging(pageSize = 20) {
  const [afters, setAfters] = useState<(string | null)[]>([null]);
  const page = afters.length; // 1-based
  const next = useCallback((endCursor: string | null | undefined) => {
    if (endCursor) setAfters((a) => [...a, endCursor]);
  }, []);
  const prev = useCallback(() => setAfters((a) => (a.length > 1 ? a.slice(0, -1) : a)), []);
  const reset = useCallback(() => setAfters([null]), []);
  return { page, pageSize, variables: { first: pageSize, after: afters[afters.length - 1] }, next, prev, reset };
}

/** The paging state of one list. */
export type CursorPaging = ReturnType<typeof useCursorPaging>;
