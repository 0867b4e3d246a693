// A bar chart of one number per day (uPlot), sized to its box and coloured by the theme.
import { html } from 'htm/preact';
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';

/** @param {string} name */
const cssVar = (name) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

/** @param {{title: string, days: {day: string, count: number}[], testid: string}} p */
export function DayChart({ title, days, testid }) {
  const box = useRef(/** @type {HTMLDivElement|null} */ (null));
  const plot = useRef(/** @type {uPlot|null} */ (null));

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const text = cssVar('--muted') || '#6b7185';
    const grid = cssVar('--line') || '#e3e6ee';
    const accent = cssVar('--accent') || '#4f46e5';
    const axis = { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
    plot.current = new uPlot({
      width: Math.max(200, el.clientWidth),
      height: 200,
      legend: { show: false },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true, range: (_u, min, max) => [min - 43_200, max + 43_200] }, y: { range: (_u, _min, max) => [0, Math.max(4, Math.ceil(max * 1.15))] } },
      axes: [{ ...axis, space: 60 }, { ...axis, size: 44 }],
      series: [{}, { label: title, stroke: accent, fill: accent + '55', width: 2, points: { show: false }, paths: uPlot.paths.bars ? uPlot.paths.bars({ size: [0.7, 40] }) : undefined }],
    }, toData(days), el);
    const resize = new ResizeObserver(() => plot.current && plot.current.setSize({ width: Math.max(200, el.clientWidth), height: 200 }));
    resize.observe(el);
    return () => { resize.disconnect(); plot.current && plot.current.destroy(); plot.current = null; };
  }, []);

  useEffect(() => { if (plot.current) plot.current.setData(toData(days)); }, [days]);

  const total = days.reduce((sum, d) => sum + d.count, 0);
  return html`
    <figure class="card chart" data-testid=${testid}>
      <figcaption><strong>${title}</strong> <span class="muted small">last ${days.length} days · ${total} in all</span></figcaption>
      <div class="chart-box" ref=${box} role="img" aria-label=${`${title}: ${days.map((d) => `${d.day} ${d.count}`).join(', ')}`}></div>
    </figure>`;
}

/** @param {{day: string, count: number}[]} days @returns {[number[], number[]]} */
function toData(days) {
  return [days.map((d) => Date.parse(d.day + 'T12:00:00Z') / 1000), days.map((d) => d.count)];
}
