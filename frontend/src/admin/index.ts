// The admin console: one chunk, loaded when an admin first opens one of its screens.
export { OfficersPage } from './OfficersPage';
export { OfficerDetailPage } from './OfficerDetailPage';
export { UnitsPage } from './UnitsPage';
export { AuditPage } from './AuditPage';
export { SmsMonitorPage } from './SmsMonitorPage';
