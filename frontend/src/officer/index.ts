// The desk: one chunk, loaded when an officer first opens one of its screens.
export { CitizenAccountsPage } from './CitizenAccountsPage';
export { NewRegistrationPage } from './NewRegistrationPage';
export { RegistrationPage } from './RegistrationPage';
