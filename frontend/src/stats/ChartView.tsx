import { useEffect, useState } from 'react';
import type { EChartsCoreOption } from 'echarts/core';
import type { ChartHandle } from './echarts';

export interface ChartProps {
  option: EChartsCoreOption;
  /** What the chart shows, for screen readers (its table view holds the figures). */
  label: string;
  height: number;
  /** Called with the index of the clicked bar or point in its category axis. */
  onItemClick?: (index: number) => void;
  testId?: string;
}

/**
 * An ECharts chart in a box of the given height: the box shows at once, the chart
 * when ECharts (./echarts, its own chunk) has arrived.
 */
export function ChartView({ option, label, height, onItemClick, testId }: ChartProps) {
  const [el, setEl] = useState<HTMLDivElement | null>(null);
  const [chart, setChart] = useState<ChartHandle | null>(null);
  useEffect(() => {
    if (!el) return;
    let handle: ChartHandle | null = null;
    let gone = false;
    void import('./echarts').then((m) => {
      if (gone) return;
      handle = m.mountChart(el);
      setChart(handle);
    });
    return () => {
      gone = true;
      handle?.dispose();
    };
  }, [el]);
  useEffect(() => {
    chart?.setOption(option);
  }, [chart, option]);
  useEffect(() => {
    if (!chart || !onItemClick) return;
    return chart.onClick(onItemClick);
  }, [chart, onItemClick]);
  return <div ref={setEl} role="img" aria-label={label} data-testid={testId} style={{ width: '100%', height }} />;
}
