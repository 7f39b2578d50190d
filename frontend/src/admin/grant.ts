// Why the "create citizen accounts" right cannot be granted, from what the server
// says about the officer (Officer.blockers, Officer.manageable), so the checkbox can
// explain itself before the admin tries. The server enforces the same rules.
import type { OfficerBlocker } from '../gql/graphql';
import type { InputProblem } from '../lib/validate';

/** The parts of an officer the decision needs. */
export interface GrantTarget {
  blockers: readonly OfficerBlocker[];
  manageable: boolean;
  unitName?: string | null;
  isSelf: boolean;
}

/**
 * Null when the right may be granted, else why not. The order follows the source
 * document: a VNPost account can never be an officer; then the unit must exist and
 * be a service desk; then the admin must have the unit in scope.
 */
export function grantBlocked(t: GrantTarget): InputProblem | null {
  if (t.blockers.includes('VNPOST_ACCOUNT')) return { key: 'grant.blocked.vnpost' };
  if (t.blockers.includes('NO_UNIT')) return { key: 'grant.blocked.noUnit' };
  if (t.blockers.includes('UNIT_NOT_SERVICE_DESK')) return { key: 'grant.blocked.notDesk', vars: { name: t.unitName ?? '' } };
  if (t.isSelf) return { key: 'grant.blocked.self' };
  if (!t.manageable) return { key: 'grant.blocked.outOfScope' };
  return null;
}
