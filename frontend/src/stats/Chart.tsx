// The one place that loads ECharts: only the parts the statistics page draws (line
// and bar charts on a canvas), tree-shaken from echarts/core. The page imports this
// module lazily, so the admin console's chunk and the citizen's pages carry none of it.
import { useEffect, useRef } from 'react';
import { init, use as registerParts, type ECharts, type EChartsCoreOption } from 'echarts/core';
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

registerParts([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export interface ChartProps {
  option: EChartsCoreOption;
  /** What the chart shows, for screen readers (its table view holds the figures). */
  label: string;
  height: number;
  /** Called with the index of the clicked bar or point in its category axis. */
  onItemClick?: (index: number) => void;
  testId?: string;
}

/** An ECharts chart that follows its box's width and the option it is given. */
export default function Chart({ option, label, height, onItemClick, testId }: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<ECharts | null>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const c = init(el, undefined, { renderer: 'canvas' });
    chart.current = c;
    const resize = new ResizeObserver(() => c.resize());
    resize.observe(el);
    return () => {
      resize.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, []);
  useEffect(() => {
    chart.current?.setOption(option, { notMerge: true });
  }, [option]);
  useEffect(() => {
    const c = chart.current;
    if (!c || !onItemClick) return;
    const handler = (p: { dataIndex?: number }) => {
      if (typeof p.dataIndex === 'number') onItemClick(p.dataIndex);
    };
    c.on('click', handler);
    return () => {
      c.off('click', handler);
    };
  }, [onItemClick]);
  return <div ref={box} role="img" aria-label={label} data-testid={testId} style={{ width: '100%', height }} />;
}
