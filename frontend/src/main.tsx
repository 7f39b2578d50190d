import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App as AntApp, ConfigProvider } from 'antd';
import viVN from 'antd/locale/vi_VN';
import enUS from 'antd/locale/en_US';
import dayjs from 'dayjs';
import customParseFormat from 'dayjs/plugin/customParseFormat';
import 'dayjs/locale/vi';
import { LangProvider, useLang } from './i18n';
import { GraphQLProvider } from './graphql/client';
import { ViewerProvider } from './auth/viewer';
import { App } from './App';
import './index.css';

dayjs.extend(customParseFormat);

function Localized() {
  const { lang } = useLang();
  dayjs.locale(lang === 'en' ? 'en' : 'vi');
  return (
    <ConfigProvider
      locale={lang === 'en' ? enUS : viVN}
      theme={{
        token: {
          colorPrimary: '#0b5cab',
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
      <AntApp>
        <GraphQLProvider>
          <ViewerProvider>
            <App />
          </ViewerProvider>
        </GraphQLProvider>
      </AntApp>
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
