import { useEffect, useState } from 'react';
import { Button, Dropdown, Flex, Grid, Layout, Menu, Spin, Typography } from 'antd';
import {
  AuditOutlined, ApartmentOutlined, MessageOutlined, TeamOutlined, UserAddOutlined, UserOutlined, InboxOutlined, DownOutlined,
  ApiOutlined,
} from '@ant-design/icons';
import { Navigate, Outlet, useLocation, useNavigate } from 'react-router';
import { isAdmin, isOfficer, useViewer } from '../auth/viewer';
import { useSignOut } from '../auth/SignOutButton';
import { LangSwitch } from '../components/LangSwitch';
import { useT } from '../i18n';
import { useDevMode } from '../dev/devMode';
import { useSsoT } from '../sso/i18n';

/** The frame of the signed-in screens: a menu by role, the language switch and the user menu. */
export function AppLayout() {
  const t = useT();
  const st = useSsoT();
  const { viewer, fetching } = useViewer();
  const location = useLocation();
  const navigate = useNavigate();
  const [, signOut] = useSignOut();
  const dev = useDevMode();
  const [collapsed, setCollapsed] = useState(false);
  const narrow = !Grid.useBreakpoint().sm; // a phone: no horizontal scroll at 390 px
  useEffect(() => {
    document.title = t('app.title');
  }, [t]);

  if (fetching) return <Spin fullscreen tip={t('state.loading')} />;
  if (!viewer) return <Navigate to="/signin" replace state={{ from: location.pathname }} />;
  if (viewer.account.mustChangePassword) return <Navigate to="/change-password" replace />;

  const items = [
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
  const selected = items
    .flatMap((g) => g.children)
    .map((i) => i.key)
    .filter((k) => location.pathname.startsWith(k))
    .sort((a, b) => b.length - a.length)[0];

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Sider theme="light" width={240} collapsible collapsed={collapsed} onCollapse={setCollapsed} breakpoint="lg" style={{ borderRight: '1px solid #f0f0f0' }}>
        <div style={{ padding: collapsed ? '16px 8px' : '16px 20px', borderBottom: '1px solid #f0f0f0' }}>
          <Typography.Text strong style={{ color: '#a8071a', fontSize: collapsed ? 12 : 16 }}>
            {collapsed ? t('app.short') : t('app.name')}
          </Typography.Text>
        </div>
        <nav aria-label={t('menu.label')}>
          <Menu mode="inline" selectedKeys={selected ? [selected] : []} items={items} onClick={(e) => navigate(e.key)} style={{ borderInlineEnd: 0 }} />
        </nav>
      </Layout.Sider>
      <Layout>
        <Layout.Header style={{ background: '#fff', padding: narrow ? '0 12px' : '0 24px', borderBottom: '1px solid #f0f0f0', height: 56, lineHeight: '56px' }}>
          <Flex justify="space-between" align="center" style={{ height: '100%' }}>
            <Typography.Text type="secondary" ellipsis style={{ minWidth: 0 }}>{narrow ? null : viewer.officer?.unit?.name ?? t('app.tagline')}</Typography.Text>
            <Flex gap={16} align="center">
              <LangSwitch />
              <Dropdown
                menu={{
                  items: [
                    { key: 'me', label: t('menu.me'), onClick: () => navigate('/me') },
                    { key: 'signout', label: t('signOut'), onClick: () => void signOut() },
                  ],
                }}
              >
                <Button type="text" data-testid="user-menu" aria-label={viewer.account.fullName}>
                  <UserOutlined /> {narrow ? null : viewer.account.fullName} <DownOutlined />
                </Button>
              </Dropdown>
            </Flex>
          </Flex>
        </Layout.Header>
        <Layout.Content style={{ padding: narrow ? 12 : 24 }}>
          <main>
            <Outlet />
          </main>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
