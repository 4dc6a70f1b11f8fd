/**
 * ECharts on a canvas, with only the chart types and components Pharos uses registered
 * (modular imports keep the bundle small). Re-themes itself when the UI theme changes.
 */
import { BarChart, GraphChart, LineChart, ScatterChart } from 'echarts/charts';
import {
  BrushComponent,
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  ToolboxComponent,
  TooltipComponent,
} from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef, useState } from 'react';

echarts.use([
  BarChart,
  GraphChart,
  LineChart,
  ScatterChart,
  BrushComponent,
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  ToolboxComponent,
  TooltipComponent,
  CanvasRenderer,
]);

export type ChartOption = echarts.EChartsCoreOption;
export type ChartInstance = echarts.ECharts;

/** Colours for axes and text from the theme's CSS variables. */
export function chartTheme() {
  const style = getComputedStyle(document.documentElement);
  const value = (name: string) => style.getPropertyValue(name).trim();
  return {
    fg: value('--fg'),
    muted: value('--muted'),
    grid: value('--chart-grid'),
    panel: value('--panel'),
    line: value('--line'),
    accent: value('--accent'),
  };
}

export function useThemeVersion(): number {
  const [version, setVersion] = useState(0);
  useEffect(() => {
    const onTheme = () => {
      setVersion((v) => v + 1);
    };
    window.addEventListener('pharos-theme', onTheme);
    return () => {
      window.removeEventListener('pharos-theme', onTheme);
    };
  }, []);
  return version;
}

export interface EChartProps {
  option: ChartOption;
  className?: string;
  /** Receives the instance after every option update (events, brush setup). */
  onReady?: (chart: echarts.ECharts) => void;
  testId?: string;
}

export function EChart({ option, className, onReady, testId }: EChartProps) {
  const element = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);

  useEffect(() => {
    const instance = echarts.init(element.current, undefined, { renderer: 'canvas' });
    chart.current = instance;
    const observer = new ResizeObserver(() => {
      instance.resize();
    });
    observer.observe(element.current!);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    const instance = chart.current;
    if (!instance) return;
    instance.setOption(option, { notMerge: true });
    onReady?.(instance);
  }, [option, onReady]);

  return <div ref={element} className={className} data-testid={testId} />;
}

/** The common time-axis chart frame: grid, axes and tooltip in the theme's colours. */
export function timeAxisBase(theme: ReturnType<typeof chartTheme>, fromMs: number, toMs: number) {
  return {
    animation: false,
    grid: { left: 48, right: 12, top: 12, bottom: 24 },
    tooltip: {
      trigger: 'axis',
      backgroundColor: theme.panel,
      borderColor: theme.line,
      textStyle: { color: theme.fg, fontSize: 12 },
    },
    xAxis: {
      type: 'time',
      min: fromMs,
      max: toMs,
      axisLine: { lineStyle: { color: theme.line } },
      axisLabel: { color: theme.muted, fontSize: 11, hideOverlap: true },
      splitLine: { show: false },
    },
    yAxis: {
      type: 'value',
      axisLabel: { color: theme.muted, fontSize: 11 },
      splitLine: { lineStyle: { color: theme.grid } },
    },
  };
}
