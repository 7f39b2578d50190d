// The demo data `motcua serve --dev` seeds on a fresh database, as the tests use it.
// Keep in step with the server's seed (cmd/motcua demo seed).
export const demo = {
  superAdmin: { login: 'TODO', password: 'TODO' },
  officer: { login: 'TODO', password: 'TODO', unitName: 'TODO' },
  // an officer found by typing the name without diacritics, with no unit yet
  plainOfficer: { search: 'TODO', fullName: 'TODO' },
  serviceDesk: { search: 'TODO', name: 'TODO' },
  nonDesk: { search: 'TODO', name: 'TODO' },
  vnpost: { search: 'TODO', fullName: 'TODO' },
  undeliverablePhone: 'TODO',
};
