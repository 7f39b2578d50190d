import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ConfigProvider } from 'antd';
import viVN from 'antd/es/locale/vi_VN';
import { LangProvider, useLang } from './i18n';
import { GraphQLProvider } from './graphql/client';
import { ViewerProvider } from './auth/viewer';
import { App } from './App';
import './index.css';

function Localized() {
  const { antdLocale } = useLang();
  return (
    <ConfigProvider
      locale={antdLocale ?? viVN}
      theme={{
        token: {
          colorPrimary: '#0b5cab',
          // Links and danger buttons dark enough for 4.5:1 on white and grey (WCAG AA).
          colorLink: '#0b5cab',
          colorInfo: '#0b5cab',
          colorError: '#cf1322',
          borderRadius: 6,
          fontFamily: "'Segoe UI', Roboto, 'Helvetica Neue', Arial, 'Noto Sans', sans-serif",
          // Ant Design's grey texts (45% black) read at 3.4:1 on white; WCAG AA asks 4.5:1.
          colorTextSecondary: 'rgba(0, 0, 0, 0.65)',
          colorTextTertiary: 'rgba(0, 0, 0, 0.62)',
          colorTextDescription: 'rgba(0, 0, 0, 0.62)',
          colorTextPlaceholder: 'rgba(0, 0, 0, 0.55)',
        },
      }}
    >
      <>
        <GraphQLProvider>
          <ViewerProvider>
            <App />
          </ViewerProvider>
        </GraphQLProvider>
      </>
    </ConfigProvider>
  );
}

document.documentElement.lang = localStorage.getItem('motcua.lang') === 'en' ? 'en' : 'vi';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <LangProvider>
      <Localized />
    </LangProvider>
  </StrictMode>,
);
