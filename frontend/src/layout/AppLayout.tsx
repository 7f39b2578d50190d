import { Suspense, useEffect, useState } from 'react';
import { App as AntApp, Button, Drawer, Dropdown, Flex, Layout, Menu, Typography } from 'antd';
import { Loading } from '../components/Loading';
import {
  AuditOutlined, ApartmentOutlined, MessageOutlined, TeamOutlined, UserAddOutlined, UserOutlined, InboxOutlined, DownOutlined, MenuOutlined,
  ApiOutlined, BarChartOutlined,
} from '@ant-design/icons';
import { Outlet, useLocation, useNavigate } from 'react-router';
import { isAdmin, isOfficer, useViewer, type Viewer } from '../auth/viewer';
import { useSignOut } from '../auth/SignOutButton';
import { LangSwitch } from '../components/LangSwitch';
import { useLang, useT, type Lang, type T } from '../i18n';
import { statsMenuLabel } from '../stats/menu';
import { useDevMode } from '../dev/devMode';
import { useWideScreen } from '../lib/useScreen';
import { useSsoT, type SsoT } from '../sso/i18n';

function menuItems(viewer: Viewer, dev: boolean, t: T, st: SsoT, lang: Lang) {
  return [
    ...(isAdmin(viewer)
      ? [
          {
            type: 'group' as const,
            label: t('menu.admin'),
            children: [
              { key: '/admin/officers', icon: <TeamOutlined />, label: t('menu.officers') },
              { key: '/admin/units', icon: <ApartmentOutlined />, label: t('menu.units') },
              { key: '/admin/audit', icon: <AuditOutlined />, label: t('menu.audit') },
              { key: '/admin/sms', icon: <MessageOutlined />, label: t('menu.sms') },
              { key: '/admin/stats', icon: <BarChartOutlined />, label: statsMenuLabel[lang] },
              { key: '/admin/oidc-clients', icon: <ApiOutlined />, label: st('menu.oidcClients') },
            ],
          },
        ]
      : []),
    ...(isOfficer(viewer)
      ? [
          {
            type: 'group' as const,
            label: t('menu.desk'),
            children: [{ key: '/officer/accounts', icon: <UserAddOutlined />, label: t('menu.createCitizen') }],
          },
        ]
      : []),
    {
      type: 'group' as const,
      label: t('menu.account'),
      children: [
        { key: '/me', icon: <UserOutlined />, label: t('menu.me') },
        ...(dev ? [{ key: '/inbox', icon: <InboxOutlined />, label: t('menu.devInbox') }] : []),
      ],
    },
  ];
}

/**
 * The frame of the staff's screens (admins, officers): a menu by role (beside the content on a
 * wide screen, behind a button on a phone), the language switch and the user menu.
 */
export function AppLayout() {
  const t = useT();
  const st = useSsoT();
  const { lang } = useLang();
  const { viewer } = useViewer();
  const location = useLocation();
  const navigate = useNavigate();
  const [, signOut] = useSignOut();
  const dev = useDevMode();
  const wide = useWideScreen();
  const [collapsed, setCollapsed] = useState(false);
  const [drawer, setDrawer] = useState(false);
  useEffect(() => {
    document.title = t('app.title');
  }, [t]);

  if (!viewer) return null; // SignedIn (App.tsx) lets only a signed-in viewer through

  const items = menuItems(viewer, dev, t, st, lang);
  const selected = items
    .flatMap((g) => g.children)
    .map((i) => i.key)
    .filter((k) => location.pathname.startsWith(k))
    .sort((a, b) => b.length - a.length)[0];
  const menu = (
    <nav aria-label={t('menu.label')}>
      <Menu
        mode="inline"
        selectedKeys={selected ? [selected] : []}
        items={items}
        onClick={(e) => {
          setDrawer(false);
          navigate(e.key);
        }}
        style={{ borderInlineEnd: 0 }}
      />
    </nav>
  );

  return (
    <Layout style={{ minHeight: '100vh' }}>
      {wide ? (
        <Layout.Sider theme="light" width={264} collapsible collapsed={collapsed} onCollapse={setCollapsed} style={{ borderRight: '1px solid #f0f0f0' }}>
          <div style={{ padding: collapsed ? '16px 8px' : '16px 20px', borderBottom: '1px solid #f0f0f0' }}>
            <Typography.Text strong style={{ color: '#a8071a', fontSize: collapsed ? 12 : 16 }}>
              {collapsed ? t('app.short') : t('app.name')}
            </Typography.Text>
          </div>
          {menu}
        </Layout.Sider>
      ) : (
        <Drawer open={drawer} onClose={() => setDrawer(false)} placement="left" size={280} title={t('app.name')} styles={{ body: { padding: 0 } }}>
          {menu}
        </Drawer>
      )}
      <Layout style={{ minWidth: 0 }}>
        <Layout.Header style={{ background: '#fff', padding: wide ? '0 24px' : '0 8px', borderBottom: '1px solid #f0f0f0', height: 56, lineHeight: '56px' }}>
          <Flex justify="space-between" align="center" gap={8} style={{ height: '100%' }}>
            {wide ? (
              <Typography.Text type="secondary" ellipsis style={{ minWidth: 0 }}>
                {viewer.officer?.unit?.name ?? t('app.tagline')}
              </Typography.Text>
            ) : (
              <Flex align="center" gap={4} style={{ minWidth: 0 }}>
                <Button type="text" icon={<MenuOutlined />} aria-label={t('menu.open')} aria-expanded={drawer} onClick={() => setDrawer(true)} />
                <Typography.Text strong ellipsis style={{ color: '#a8071a' }}>
                  {t('app.short')}
                </Typography.Text>
              </Flex>
            )}
            <Flex gap={wide ? 16 : 4} align="center" style={{ flex: 'none' }}>
              <LangSwitch compact={!wide} />
              <Dropdown
                trigger={['hover', 'click']}
                menu={{
                  items: [
                    { key: 'me', label: t('menu.me'), onClick: () => navigate('/me') },
                    { key: 'signout', label: t('signOut'), onClick: () => void signOut() },
                  ],
                }}
              >
                <Button type="text" data-testid="user-menu" aria-label={wide ? undefined : t('menu.user', { name: viewer.account.fullName })}>
                  <UserOutlined /> {wide ? viewer.account.fullName : null} <DownOutlined />
                </Button>
              </Dropdown>
            </Flex>
          </Flex>
        </Layout.Header>
        <Layout.Content style={{ padding: wide ? 24 : 8 }}>
          <main>
            <Suspense fallback={<Loading />}>
              {/* The context of the staff screens' short confirmations (a copied client secret). */}
              <AntApp>
                <Outlet />
              </AntApp>
            </Suspense>
          </main>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
