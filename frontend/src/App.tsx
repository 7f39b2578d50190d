import { Spin } from 'antd';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import { AppLayout } from './layout/AppLayout';
import { SignInPage } from './auth/SignInPage';
import { ForcedChangePasswordPage } from './auth/ChangePasswordPage';
import { ForgotPasswordPage } from './auth/ForgotPasswordPage';
import { MePage } from './auth/MePage';
import { homePath, isAdmin, isOfficer, useViewer } from './auth/viewer';
import { OfficersPage } from './admin/OfficersPage';
import { OfficerDetailPage } from './admin/OfficerDetailPage';
import { UnitsPage } from './admin/UnitsPage';
import { AuditPage } from './admin/AuditPage';
import { SmsMonitorPage } from './admin/SmsMonitorPage';
import { CitizenAccountsPage } from './officer/CitizenAccountsPage';
import { NewRegistrationPage } from './officer/NewRegistrationPage';
import { RegistrationPage } from './officer/RegistrationPage';
import { DevInboxPage } from './dev/DevInboxPage';
import { SsoPage } from './sso/SsoPage';
import { OidcClientsPage } from './sso/OidcClientsPage';
import { OidcClientDetailPage } from './sso/OidcClientDetailPage';
import { NotFoundPage, ForbiddenPage } from './layout/NotFoundPage';
import { useT } from './i18n';
import type { ReactNode } from 'react';

function Home() {
  const t = useT();
  const { viewer, fetching } = useViewer();
  if (fetching) return <Spin fullscreen tip={t('state.loading')} />;
  return <Navigate to={homePath(viewer)} replace />;
}

function Only({ when, children }: { when: (v: ReturnType<typeof useViewer>['viewer']) => boolean; children: ReactNode }) {
  const { viewer } = useViewer();
  return when(viewer) ? <>{children}</> : <ForbiddenPage />;
}

/** The routes. Personal data never goes into a URL: only ids. */
export function App() {
  return (
    <BrowserRouter>
      <Routes>
        <Route path="/" element={<Home />} />
        <Route path="/signin" element={<SignInPage />} />
        <Route path="/forgot-password" element={<ForgotPasswordPage />} />
        <Route path="/change-password" element={<ForcedChangePasswordPage />} />
        <Route path="/sso/:id" element={<SsoPage />} />
        {/* Public on purpose: in a demo the citizen reads their SMS here without signing in. The server serves it in dev mode only. */}
        <Route path="/inbox" element={<DevInboxPage />} />
        <Route element={<AppLayout />}>
          <Route path="/me" element={<MePage />} />
          <Route path="/admin/officers" element={<Only when={isAdmin}><OfficersPage /></Only>} />
          <Route path="/admin/officers/:id" element={<Only when={isAdmin}><OfficerDetailPage /></Only>} />
          <Route path="/admin/units" element={<Only when={isAdmin}><UnitsPage /></Only>} />
          <Route path="/admin/audit" element={<Only when={isAdmin}><AuditPage /></Only>} />
          <Route path="/admin/sms" element={<Only when={isAdmin}><SmsMonitorPage /></Only>} />
          <Route path="/admin/oidc-clients" element={<Only when={isAdmin}><OidcClientsPage /></Only>} />
          <Route path="/admin/oidc-clients/:id" element={<Only when={isAdmin}><OidcClientDetailPage /></Only>} />
          <Route path="/officer/accounts" element={<Only when={isOfficer}><CitizenAccountsPage /></Only>} />
          <Route path="/officer/registrations/new" element={<Only when={isOfficer}><NewRegistrationPage /></Only>} />
          <Route path="/officer/registrations/:id" element={<Only when={isOfficer}><RegistrationPage /></Only>} />
          <Route path="*" element={<NotFoundPage />} />
        </Route>
      </Routes>
    </BrowserRouter>
  );
}
