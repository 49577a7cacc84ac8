import { BarChart, LineChart } from 'echarts/charts';
import {
  AriaComponent,
  GridComponent,
  LegendComponent,
  TitleComponent,
  TooltipComponent,
} from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';

echarts.use([
  BarChart,
  LineChart,
  GridComponent,
  TooltipComponent,
  LegendComponent,
  TitleComponent,
  AriaComponent,
  SVGRenderer,
]);

export type ChartOption = echarts.EChartsCoreOption;

/**
 * Draws an Apache ECharts chart into `#id` (SVG, with ECharts' generated description for screen readers);
 * every chart on the page goes through here.
 */
export function chart(id: string, title: string, option: ChartOption): void {
  const element = document.getElementById(id);
  if (!element) return;
  element.setAttribute('role', 'img');
  element.setAttribute('aria-label', title);
  echarts.init(element, undefined, { renderer: 'svg' }).setOption({
    animation: false,
    aria: { enabled: true },
    title: { text: title, textStyle: { fontSize: 14 } },
    tooltip: { trigger: 'axis' },
    ...option,
  });
}

export const BAND_COLOURS = { green: '#2e8b57', yellow: '#d4a017', red: '#c0392b', unknown: '#999' } as const;
