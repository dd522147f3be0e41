// A uPlot line chart over the live points of one series (time in ms, values), resized with its box.
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import { html } from './html.js';
import { MAX_POINTS } from './live.js';

/** The longest span the charts show, as many seconds as the page keeps points (one a second). */
const SPAN_S = MAX_POINTS;
/** The shortest: a chart a few seconds old fills its box instead of being a sliver at the right edge of five minutes. */
const MIN_SPAN_S = 30;

const clock = (seconds) => new Date(seconds * 1000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });

/** A colour from the page's CSS variables, read at every draw: the charts follow the theme toggle. */
const css = (name) => () => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

export function LineChart({ title, unit, points }) {
  const box = useRef(null);
  const plot = useRef(null);
  const data = () => [points.t.map((t) => t / 1000), points.v];
  useEffect(() => {
    const width = () => Math.max(240, box.current?.clientWidth ?? 0);
    plot.current = new uPlot({
      width: width(),
      height: 160,
      legend: { show: false },
      axes: [
        { stroke: css('--muted'), grid: { stroke: css('--grid') }, ticks: { stroke: css('--grid') }, space: 90, values: (_u, ticks) => ticks.map(clock) },
        { stroke: css('--muted'), grid: { stroke: css('--grid') }, ticks: { stroke: css('--grid') }, size: 56 },
      ],
      series: [{}, { label: unit, stroke: css('--accent'), width: 2, spanGaps: false }],
      // From the first point, at least MIN_SPAN_S and at most SPAN_S seconds (one point would otherwise span years).
      scales: {
        x: { time: true, range: (_u, min, max) => {
          const end = max ?? Date.now() / 1000;
          return [Math.max(end - SPAN_S, Math.min(min ?? end, end - MIN_SPAN_S)), end];
        } },
        y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] },
      },
    }, data(), box.current);
    const resize = new ResizeObserver(() => plot.current?.setSize({ width: width(), height: 160 }));
    resize.observe(box.current);
    return () => {
      resize.disconnect();
      plot.current.destroy();
      plot.current = null;
    };
  }, []);
  useEffect(() => {
    plot.current?.setData(data());
  }, [points.t.length, points.t[points.t.length - 1]]);
  return html`<figure class="chart" data-points=${points.t.length}><figcaption>${title} (${unit})</figcaption><div ref=${box} role="img" aria-label=${`${title} over the last minutes`}></div></figure>`;
}
