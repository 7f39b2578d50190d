// Who is signed in. The viewer query answers null when signed out; every screen
// reads the viewer from this context instead of asking again.
import { createContext, useContext, type ReactNode } from 'react';
import { useQuery, type CombinedError } from 'urql';
import type { ViewerQuery as ViewerQueryResult } from '../gql/graphql';
import { graphql } from '../gql';

const ViewerQuery = graphql(`
  query Viewer {
    viewer {
      roles
      permissions
      currentSessionID
      sessions {
        id
        createdAt
        lastSeenAt
        expiresAt
        userAgent
      }
      account {
        ...AccountFields
      }
      officer {
        ...OfficerFields
      }
    }
  }
`);


export type Viewer = NonNullable<ViewerQueryResult['viewer']>;

interface ViewerState {
  viewer: Viewer | null;
  fetching: boolean;
  error?: CombinedError;
  refetch: () => void;
}

const ViewerContext = createContext<ViewerState>({ viewer: null, fetching: true, refetch: () => {} });

/** Loads the viewer once for the tree below. */
export function ViewerProvider({ children }: { children: ReactNode }) {
  const [{ data, fetching, error }, reexecute] = useQuery({ query: ViewerQuery, requestPolicy: 'network-only' });
  const value: ViewerState = {
    viewer: data?.viewer ?? null,
    fetching: fetching && !data,
    error,
    refetch: () => reexecute({ requestPolicy: 'network-only' }),
  };
  return <ViewerContext.Provider value={value}>{children}</ViewerContext.Provider>;
}

/** The signed-in viewer and how to reload it. */
export function useViewer(): ViewerState {
  return useContext(ViewerContext);
}

/** Whether the viewer is the super admin (acts everywhere). */
export function isSuperAdmin(v: Viewer | null): boolean {
  return !!v?.officer?.isSuperAdmin;
}

/** Whether the viewer administers officers (super admin or level-1 admin). */
export function isAdmin(v: Viewer | null): boolean {
  return !!v?.officer && (v.officer.isSuperAdmin || v.officer.isAdmin);
}

/** Whether the viewer works at a desk as an officer. */
export function isOfficer(v: Viewer | null): boolean {
  return !!v?.officer;
}

/** Whether the viewer may create citizen accounts. */
export function canCreateCitizens(v: Viewer | null): boolean {
  return !!v?.officer?.canCreateCitizenAccounts;
}

/** The first screen for the viewer. */
export function homePath(v: Viewer | null): string {
  if (!v) return '/signin';
  if (v.account.mustChangePassword) return '/change-password';
  if (isAdmin(v)) return '/admin/officers';
  if (isOfficer(v)) return '/officer/accounts';
  return '/me';
}
