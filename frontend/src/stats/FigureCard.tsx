import { useState, type ReactNode } from 'react';
import { Button, Segmented, Table, type TableColumnsType } from 'antd';
import { DownloadOutlined } from '@ant-design/icons';
import type { EChartsCoreOption } from 'echarts/core';
import { Section } from '../components/Page';
import { useScrollRegion } from '../components/DataTable';
import { buildCsv, csvFileName, type CsvColumn } from './csv';
import { useStatsT } from './i18n';
import { useNumberFormat } from './numbers';

import { ChartView } from './ChartView';

/** A column of a figure's table, written the same way into its CSV file. */
export interface FigureColumn<R> extends CsvColumn<R> {
  key: string;
  /** What the table shows instead of the formatted value (a link, a button). */
  render?: (row: R) => ReactNode;
  align?: 'left' | 'right';
}

export interface FigureProps<R> {
  /** Names the test ids: stats-<id>, stats-chart-<id>, stats-table-<id>, stats-csv-<id>. */
  id: string;
  title: string;
  rows: readonly R[];
  columns: FigureColumn<R>[];
  rowKey: (row: R) => string;
  /** The chart; a custom picture (cards) or an ECharts option. */
  picture?: ReactNode;
  option?: EChartsCoreOption;
  height?: number;
  onItemClick?: (index: number) => void;
  /** The period, for the CSV file's name. */
  from: string;
  to: string;
  /** Shown above the chart or table (a breadcrumb, a hint). */
  above?: ReactNode;
}

/** Saves text as a file through the browser's download. */
export function download(name: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/**
 * One figure of the page: its chart, or the same figures as a table (the view for
 * keyboard and screen-reader users too), and its CSV export.
 */
export function FigureCard<R extends object>({ id, title, rows, columns, rowKey, picture, option, height = 280, onItemClick, from, to, above }: FigureProps<R>) {
  const t = useStatsT();
  const num = useNumberFormat();
  const [view, setView] = useState<'chart' | 'table'>('chart');
  const scrollable = useScrollRegion();
  const tableColumns: TableColumnsType<R> = columns.map((c) => ({
    key: c.key,
    title: c.header,
    align: c.align ?? (c.kind === 'number' || c.kind === 'percent' ? 'right' : 'left'),
    render: (_: unknown, r: R) => (c.render ? c.render(r) : num.cell(c.value(r), c.kind)),
  }));
  const empty = <div className="muted">{t('stats.empty')}</div>;
  return (
    <Section
      testId={`stats-${id}`}
      title={title}
      extra={
        <span style={{ display: 'inline-flex', flexWrap: 'wrap', gap: 8 }}>
          <Segmented<'chart' | 'table'>
            size="small"
            aria-label={t('stats.view.label', { title })}
            value={view}
            onChange={setView}
            data-testid={`stats-view-${id}`}
            options={[
              { value: 'chart', label: t('stats.view.chart') },
              { value: 'table', label: t('stats.view.table') },
            ]}
          />
          <Button
            size="small"
            icon={<DownloadOutlined />}
            data-testid={`stats-csv-${id}`}
            aria-label={t('stats.exportNamed', { title })}
            onClick={() => download(csvFileName(title, from, to), buildCsv(columns, rows))}
          >
            {t('stats.export')}
          </Button>
        </span>
      }
    >
      {above}
      {view === 'table' ? (
        <div ref={scrollable}>
          <Table<R>
            size="small"
            data-testid={`stats-table-${id}`}
            rowKey={rowKey}
            dataSource={rows as R[]}
            columns={tableColumns}
            pagination={rows.length > 15 ? { pageSize: 15, showSizeChanger: false, size: 'small' } : false}
            scroll={{ x: 'max-content' }}
            locale={{ emptyText: empty }}
          />
        </div>
      ) : rows.length === 0 ? (
        empty
      ) : picture ? (
        <div data-testid={`stats-chart-${id}`}>{picture}</div>
      ) : option ? (
        <ChartView option={option} label={title} height={height} onItemClick={onItemClick} testId={`stats-chart-${id}`} />
      ) : null}
    </Section>
  );
}
