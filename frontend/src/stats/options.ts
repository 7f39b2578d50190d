// ECharts options of the page's charts, as plain objects (only ECharts' types are
// imported here: the library itself stays in the lazily loaded ./Chart).
import type { EChartsCoreOption } from 'echarts/core';

export interface Series {
  name: string;
  data: (number | null)[];
  color?: string;
}

/** The palette: red of the portal, then colours told apart by people with colour blindness. */
export const colors = {
  primary: '#a8071a',
  delivered: '#237804',
  undelivered: '#cf1322',
  failed: '#ad4e00',
  noReport: '#8c8c8c',
  p50: '#1d39c4',
  p95: '#c41d7f',
};

type Fmt = (n: number) => string;

const tooltipValue = (fmt: Fmt) => (v: unknown) => (typeof v === 'number' ? fmt(v) : '–');

/** A line per series over days (labels already formatted), missing values left as gaps. */
export function lineOption(days: string[], series: Series[], fmt: Fmt): EChartsCoreOption {
  return {
    animation: false,
    grid: { left: 8, right: 16, top: series.length > 1 ? 36 : 16, bottom: 8, containLabel: true },
    legend: series.length > 1 ? { top: 0 } : undefined,
    tooltip: { trigger: 'axis', valueFormatter: tooltipValue(fmt) },
    xAxis: { type: 'category', data: days, boundaryGap: false },
    yAxis: { type: 'value', minInterval: 1, axisLabel: { formatter: fmt, hideOverlap: true } },
    series: series.map((s) => ({
      type: 'line',
      name: s.name,
      data: s.data.map((v) => (v === null ? '-' : v)),
      showSymbol: days.length <= 31,
      connectNulls: false,
      color: s.color ?? colors.primary,
    })),
  };
}

/**
 * Horizontal bars, one category a row (long unit names stay readable), first row on
 * top; stacked when there is more than one series. Rows that can be clicked show a
 * pointer and a darker label.
 */
export function barOption(categories: string[], series: Series[], fmt: Fmt, clickable?: boolean[], labelWidth = 220): EChartsCoreOption {
  const stacked = series.length > 1;
  return {
    animation: false,
    grid: { left: 8, right: 32, top: stacked ? 36 : 8, bottom: 8, containLabel: true },
    legend: stacked ? { top: 0 } : undefined,
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: tooltipValue(fmt) },
    xAxis: { type: 'value', minInterval: 1, splitNumber: labelWidth < 200 ? 2 : 4, axisLabel: { formatter: fmt, hideOverlap: true } },
    yAxis: {
      type: 'category',
      inverse: true,
      data: categories,
      axisLabel: { width: labelWidth, overflow: 'truncate', color: (_: unknown, i: number) => (clickable?.[i] ? '#1d39c4' : '#434343') },
    },
    series: series.map((s) => ({
      type: 'bar',
      name: s.name,
      stack: stacked ? 'all' : undefined,
      data: s.data.map((v, i) => ({ value: v ?? 0, cursor: clickable?.[i] ? 'pointer' : 'default' })),
      color: s.color ?? colors.primary,
      label: stacked ? undefined : { show: true, position: 'right', formatter: (p: { value: number }) => fmt(p.value) },
      barMaxWidth: 28,
    })),
  };
}

/** The height that gives each bar row room: 34 px a row plus the axes and legend. */
export function barHeight(rows: number, stacked = false): number {
  return Math.max(160, rows * 34 + (stacked ? 80 : 48));
}
