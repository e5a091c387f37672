import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { shortMonth } from './format.ts';

/**
 * One trend as a uPlot line chart (canvas; uPlot styles its elements through the CSSOM, which
 * the strict CSP allows, and its stylesheet is a file of the build, so no inline style is
 * needed). Okabe–Ito colours, safe for the common colour-vision deficiencies; the target is a
 * dashed line besides, so no reading depends on colour. The chart is an image with a label; the
 * table beside it carries the same figures.
 */
export const PALETTE = { value: '#0072B2', target: '#000000', grid: '#d0d7de' };

export interface TrendChartProps {
  label: string;
  months: string[];
  values: (number | null)[];
  target?: number;
  /** Shares are drawn 0-100 %, scores (the team pulse) 0-5. */
  unit: 'share' | 'hours' | 'count' | 'score';
}

export function TrendChart(props: TrendChartProps) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const scale = props.unit === 'share' ? 100 : 1;
    const xs = props.months.map((_, i) => i);
    const ys = props.values.map((v) => (v === null ? null : v * scale));
    const series: uPlot.Series[] = [
      {},
      {
        label: props.label,
        stroke: PALETTE.value,
        width: 2,
        points: { show: true, size: 7, fill: PALETTE.value },
      },
    ];
    const data: uPlot.AlignedData = [xs, ys];
    if (props.target !== undefined) {
      series.push({
        label: 'Target',
        stroke: PALETTE.target,
        width: 1.5,
        dash: [6, 4],
        points: { show: false },
      });
      data.push(xs.map(() => props.target! * scale));
    }
    const fmt = (v: number) => (props.unit === 'share' ? `${v}%` : String(v));
    const opts: uPlot.Options = {
      width: Math.max(260, el.clientWidth),
      height: 200,
      legend: { show: false },
      cursor: { show: false },
      scales: {
        x: { time: false },
        y:
          props.unit === 'share'
            ? { range: [0, 100] }
            : props.unit === 'score'
              ? { range: [0, 5] }
              : { range: (_u, _min, max) => [0, Math.max(1, max * 1.15)] },
      },
      axes: [
        {
          incrs: [1],
          values: (_u, splits) => splits.map((i) => (props.months[i] ? shortMonth(props.months[i]) : '')),
          grid: { stroke: PALETTE.grid },
          stroke: '#1b1f24',
        },
        {
          values: (_u, splits) => splits.map(fmt),
          grid: { stroke: PALETTE.grid },
          stroke: '#1b1f24',
          size: 50,
        },
      ],
      series,
    };
    const plot = new uPlot(opts, data, el);
    const resize = new ResizeObserver(() =>
      plot.setSize({ width: Math.max(260, el.clientWidth), height: 200 }),
    );
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [props.label, props.months.join(), props.values.join(), props.target, props.unit]);
  return (
    <div
      class="chart"
      ref={host}
      role="img"
      aria-label={`${props.label}, chart of the last ${props.months.length} months`}
    />
  );
}
