import { Button, Space, Typography } from 'antd';
import { LeftOutlined, RightOutlined } from '@ant-design/icons';
import { useT } from '../i18n';

interface Props {
  page: number;
  pageSize: number;
  totalCount?: number;
  hasNextPage?: boolean;
  onPrev: () => void;
  onNext: () => void;
}

/** Previous/next buttons for a Relay connection, with the page number and total. */
export function CursorPager({ page, pageSize, totalCount, hasNextPage, onPrev, onNext }: Props) {
  const t = useT();
  const pages = totalCount !== undefined ? Math.max(1, Math.ceil(totalCount / pageSize)) : undefined;
  return (
    <Space wrap style={{ marginTop: 12, justifyContent: 'flex-end', width: '100%' }}>
      <Typography.Text type="secondary">
        {pages !== undefined
          ? t('pager.pageOfTotal', { page, pages, total: totalCount ?? 0 })
          : t('pager.page', { page })}
      </Typography.Text>
      <Button icon={<LeftOutlined />} disabled={page <= 1} onClick={onPrev} aria-label={t('pager.prev')}>
        {t('pager.prev')}
      </Button>
      <Button disabled={!hasNextPage} onClick={onNext} aria-label={t('pager.next')}>
        {t('pager.next')} <RightOutlined />
      </Button>
    </Space>
  );
}
