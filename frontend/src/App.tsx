import { lazy, Suspense, useEffect, type ReactNode } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router';
import { homePath, isAdmin, isOfficer, useViewer, type Viewer } from './auth/viewer';
import { Loading } from './components/Loading';

// Each screen is its own chunk, loaded when first opened: a citizen signing in on a
// phone downloads neither the admin console nor the desk wizard. The admin console
// and the desk are one chunk each (./admin, ./officer), so moving between their
// screens loads nothing more.
const admin = () => import('./admin');
const officer = () => import('./officer');
const SignInPage = lazy(() => import('./auth/SignInPage').then((m) => ({ default: m.SignInPage })));
const ForgotPasswordPage = lazy(() => import('./auth/ForgotPasswordPage').then((m) => ({ default: m.ForgotPasswordPage })));
const ForcedChangePasswordPage = lazy(() => import('./auth/ChangePasswordPage').then((m) => ({ default: m.ForcedChangePasswordPage })));
const MePage = lazy(() => import('./auth/MePage').then((m) => ({ default: m.MePage })));
const DevInboxPage = lazy(() => import('./dev/DevInboxPage').then((m) => ({ default: m.DevInboxPage })));
const AppLayout = lazy(() => import('./layout/AppLayout').then((m) => ({ default: m.AppLayout })));
const CitizenLayout = lazy(() => import('./layout/CitizenLayout').then((m) => ({ default: m.CitizenLayout })));
const NotFoundPage = lazy(() => import('./layout/NotFoundPage').then((m) => ({ default: m.NotFoundPage })));
const OfficersPage = lazy(() => admin().then((m) => ({ default: m.OfficersPage })));
const OfficerDetailPage = lazy(() => admin().then((m) => ({ default: m.OfficerDetailPage })));
const UnitsPage = lazy(() => admin().then((m) => ({ default: m.UnitsPage })));
const AuditPage = lazy(() => admin().then((m) => ({ default: m.AuditPage })));
const SmsMonitorPage = lazy(() => admin().then((m) => ({ default: m.SmsMonitorPage })));
const CitizenAccountsPage = lazy(() => officer().then((m) => ({ default: m.CitizenAccountsPage })));
const NewRegistrationPage = lazy(() => officer().then((m) => ({ default: m.NewRegistrationPage })));
const RegistrationPage = lazy(() => officer().then((m) => ({ default: m.RegistrationPage })));
const SsoPage = lazy(() => import('./sso/SsoPage').then((m) => ({ default: m.SsoPage })));
const OidcClientsPage = lazy(() => import('./sso/OidcClientsPage').then((m) => ({ default: m.OidcClientsPage })));
// The statistics page is its own chunk (and its charts another), so the rest of the console does not grow.
const StatsPage = lazy(() => import('./stats/StatsPage').then((m) => ({ default: m.StatsPage })));
const OidcClientDetailPage = lazy(() => import('./sso/OidcClientDetailPage').then((m) => ({ default: m.OidcClientDetailPage })));

function Home() {
  const { viewer, fetching } = useViewer();
  if (fetching) return <Loading fullscreen />;
  return <Navigate to={homePath(viewer)} replace />;
}

/**
 * The frame of the signed-in screens: the staff's, with its menu, or the citizen's,
 * a plain header (a citizen has one screen, and a phone on a slow network should
 * not download a menu it never shows).
 */
function SignedIn() {
  const { viewer, fetching } = useViewer();
  const location = useLocation();
  if (fetching) return <Loading fullscreen />;
  if (!viewer) return <Navigate to="/signin" replace state={{ from: location.pathname }} />;
  if (viewer.account.mustChangePassword) return <Navigate to="/change-password" replace />;
  return viewer.officer ? <AppLayout /> : <CitizenLayout />;
}

function Only({ when, children }: { when: (v: Viewer | null) => boolean; children: ReactNode }) {
  const { viewer } = useViewer();
  if (when(viewer)) return <>{children}</>;
  return <NotFoundPage forbidden />;
}

/**
 * A new screen starts at the top of the page ("create another account" must not
 * open the wizard scrolled down). Confirmations are shown beside what they
 * confirm, never as toasts, so none follows the user to the next screen.
 */
function NewScreen() {
  const { pathname } = useLocation();
  useEffect(() => {
    window.scrollTo(0, 0);
  }, [pathname]);
  return null;
}

/** The routes, one per line. Personal data never goes into a URL: only ids. */
export function App() {
  return (
    <BrowserRouter>
      <NewScreen />
      <Suspense fallback={<Loading fullscreen />}>
        <Routes>
          <Route path="/" element={<Home />} />
          <Route path="/signin" element={<SignInPage />} />
          <Route path="/forgot-password" element={<ForgotPasswordPage />} />
          <Route path="/change-password" element={<ForcedChangePasswordPage />} />
          <Route path="/sso/:id" element={<SsoPage />} />
          {/* Public on purpose: in a demo the citizen reads their SMS here without signing in. The server serves it in dev mode only. */}
          <Route path="/inbox" element={<DevInboxPage />} />
          <Route element={<SignedIn />}>
            <Route path="/me" element={<MePage />} />
            <Route path="/admin/officers" element={<Only when={isAdmin}><OfficersPage /></Only>} />
            <Route path="/admin/officers/:id" element={<Only when={isAdmin}><OfficerDetailPage /></Only>} />
            <Route path="/admin/units" element={<Only when={isAdmin}><UnitsPage /></Only>} />
            <Route path="/admin/audit" element={<Only when={isAdmin}><AuditPage /></Only>} />
            <Route path="/admin/sms" element={<Only when={isAdmin}><SmsMonitorPage /></Only>} />
            <Route path="/admin/stats" element={<Only when={isAdmin}><StatsPage /></Only>} />
            <Route path="/admin/oidc-clients" element={<Only when={isAdmin}><OidcClientsPage /></Only>} />
            <Route path="/admin/oidc-clients/:id" element={<Only when={isAdmin}><OidcClientDetailPage /></Only>} />
            <Route path="/officer/accounts" element={<Only when={isOfficer}><CitizenAccountsPage /></Only>} />
            <Route path="/officer/registrations/new" element={<Only when={isOfficer}><NewRegistrationPage /></Only>} />
            <Route path="/officer/registrations/:id" element={<Only when={isOfficer}><RegistrationPage /></Only>} />
            <Route path="*" element={<NotFoundPage />} />
          </Route>
        </Routes>
      </Suspense>
    </BrowserRouter>
  );
}
