// The one place that loads ECharts: only the parts the statistics page draws (line
// and bar charts on a canvas), tree-shaken from echarts/core. Loaded lazily by
// ./ChartView with the first chart. No React here on purpose: a chunk that imports
// React alone makes the bundler split React out of the shared chunk, and the sign-in
// page would download a kilobyte more.
import { init, use as registerParts, type EChartsCoreOption } from 'echarts/core';
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

registerParts([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

/** A chart drawn in an element, following its width. */
export interface ChartHandle {
  setOption: (option: EChartsCoreOption) => void;
  /** Calls fn with the index of the clicked bar or point; returns how to stop. */
  onClick: (fn: (index: number) => void) => () => void;
  dispose: () => void;
}

export function mountChart(el: HTMLElement): ChartHandle {
  const chart = init(el, undefined, { renderer: 'canvas' });
  const resize = new ResizeObserver(() => chart.resize());
  resize.observe(el);
  return {
    setOption: (option) => chart.setOption(option, { notMerge: true }),
    onClick: (fn) => {
      const handler = (p: { dataIndex?: number }) => {
        if (typeof p.dataIndex === 'number') fn(p.dataIndex);
      };
      chart.on('click', handler);
      return () => chart.off('click', handler);
    },
    dispose: () => {
      resize.disconnect();
      chart.dispose();
    },
  };
}
