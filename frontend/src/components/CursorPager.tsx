import { Button, Flex, Typography } from 'antd';
import { LeftOutlined, RightOutlined } from '@ant-design/icons';
import { useT } from '../i18n';

interface Props {
  page: number;
  pageSize: number;
  totalCount?: number;
  /** The server counted only up to a cap: totalCount is a lower bound. */
  totalCountCapped?: boolean;
  hasNextPage?: boolean;
  onPrev: () => void;
  onNext: () => void;
}

/** Previous/next buttons for a Relay connection, with the page number and total. */
export function CursorPager({ page, pageSize, totalCount, totalCountCapped, hasNextPage, onPrev, onNext }: Props) {
  const t = useT();
  const pages = totalCount !== undefined && !totalCountCapped ? Math.max(1, Math.ceil(totalCount / pageSize)) : undefined;
  return (
    <Flex wrap gap={8} align="center" justify="flex-end" style={{ marginTop: 12 }} role="navigation" aria-label={t('pager.label')}>
      <Typography.Text type="secondary" aria-live="polite">
        {totalCountCapped
          ? t('pager.pageOfMany', { page })
          : pages !== undefined
            ? t('pager.pageOfTotal', { page, pages, total: totalCount ?? 0 })
            : t('pager.page', { page })}
      </Typography.Text>
      <Flex gap={8}>
        <Button icon={<LeftOutlined />} disabled={page <= 1} onClick={onPrev}>
          {t('pager.prev')}
        </Button>
        <Button disabled={!hasNextPage} onClick={onNext}>
          {t('pager.next')} <RightOutlined />
        </Button>
      </Flex>
    </Flex>
  );
}
