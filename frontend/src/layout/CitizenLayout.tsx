import { Suspense, useEffect } from 'react';
import { Flex } from 'antd';
import { Link, Outlet } from 'react-router';
import { useViewer } from '../auth/viewer';
import { SignOutButton } from '../auth/SignOutButton';
import { LangSwitch } from '../components/LangSwitch';
import { Loading } from '../components/Loading';
import { useDevMode } from '../dev/devMode';
import { useT } from '../i18n';
import { useIsPhone } from '../lib/useScreen';

/** The frame of a citizen's screens: the portal's name, the language, sign-out. */
export function CitizenLayout() {
  const t = useT();
  const phone = useIsPhone();
  const dev = useDevMode();
  const { viewer } = useViewer();
  useEffect(() => {
    document.title = t('app.title');
  }, [t]);
  if (!viewer) return null;
  return (
    <div style={{ minHeight: '100vh', background: '#f5f7fa' }}>
      <header style={{ background: '#fff', borderBottom: '1px solid #f0f0f0', padding: phone ? '8px' : '12px 24px' }}>
        <Flex justify="space-between" align="center" gap={8} wrap>
          <div style={{ minWidth: 0 }}>
            <div className="brand" style={{ fontSize: phone ? 15 : 18 }}>
              {phone ? t('app.short') : t('app.name')}
            </div>
            <div className="muted" style={{ maxWidth: phone ? 160 : 480, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>
              {viewer.account.fullName}
            </div>
          </div>
          <Flex gap={8} align="center">
            {dev ? <Link to="/inbox">{phone ? t('menu.devInboxShort') : t('menu.devInbox')}</Link> : null}
            <LangSwitch compact={phone} />
            <SignOutButton type="default" />
          </Flex>
        </Flex>
      </header>
      <main style={{ padding: phone ? 8 : 24, maxWidth: 1200, margin: '0 auto' }}>
        <Suspense fallback={<Loading />}>
          <Outlet />
        </Suspense>
      </main>
    </div>
  );
}
