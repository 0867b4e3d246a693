import type { Curve } from './context.ts';

const W = 760;
const H = 440;
const M = { left: 70, right: 20, top: 40, bottom: 100 };
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b'];

const escape = (text: string) => text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

/**
 * Delivery p99 against offered rate, both axes logarithmic, one line per server; the dashed line is
 * the knee's 100 ms bound, a hollow point a rate where fewer than 95% of deliveries arrived.
 */
export function latencyChart(curves: Curve[], title: string): string {
  const points = curves.flatMap((c) => c.points);
  const rates = points.map((p) => p.rate);
  const x0 = Math.log10(Math.min(...rates, 100) / 1.3);
  const x1 = Math.log10(Math.max(...rates, 100) * 1.3);
  const y0 = 0; // 1 ms
  const y1 = Math.max(3, Math.ceil(Math.log10(Math.max(...points.map((p) => p.deliveryP99), 1000))));
  const px = (rate: number) => M.left + ((Math.log10(rate) - x0) / (x1 - x0)) * (W - M.left - M.right);
  const py = (ms: number) => H - M.bottom - ((Math.log10(Math.max(ms, 1)) - y0) / (y1 - y0)) * (H - M.top - M.bottom);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="14" font-weight="bold">${escape(title)}</text>`,
  ];
  for (let e = y0; e <= y1; e++) {
    const y = py(10 ** e);
    out.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${y}" y2="${y}" stroke="#ddd"/>`, `<text x="${M.left - 6}" y="${y + 4}" text-anchor="end">${(10 ** e).toLocaleString('en-US')} ms</text>`);
  }
  for (const rate of [...new Set(rates)].sort((a, b) => a - b)) {
    const x = px(rate);
    out.push(`<line x1="${x}" x2="${x}" y1="${M.top}" y2="${H - M.bottom}" stroke="#eee"/>`, `<text x="${x}" y="${H - M.bottom + 16}" text-anchor="middle">${rate}</text>`);
  }
  out.push(
    `<line x1="${M.left}" x2="${W - M.right}" y1="${py(100)}" y2="${py(100)}" stroke="#888" stroke-dasharray="6 4"/>`,
    `<text x="${W - M.right - 4}" y="${py(100) - 4}" text-anchor="end" fill="#666">100 ms (knee bound)</text>`,
    `<text x="${(M.left + W - M.right) / 2}" y="${H - M.bottom + 34}" text-anchor="middle">offered rate (messages/s, log scale)</text>`,
    `<text transform="translate(16 ${(M.top + H - M.bottom) / 2}) rotate(-90)" text-anchor="middle">delivery p99 (log scale)</text>`,
    `<rect x="${M.left}" y="${M.top}" width="${W - M.left - M.right}" height="${H - M.top - M.bottom}" fill="none" stroke="#333"/>`,
  );
  curves.forEach((curve, i) => {
    const color = COLORS[i % COLORS.length]!;
    const path = curve.points.map((p) => `${px(p.rate).toFixed(1)},${py(p.deliveryP99).toFixed(1)}`).join(' ');
    out.push(`<polyline points="${path}" fill="none" stroke="${color}" stroke-width="2"/>`);
    for (const p of curve.points) {
      const full = p.deliveredRatio >= 0.95;
      out.push(`<circle cx="${px(p.rate).toFixed(1)}" cy="${py(p.deliveryP99).toFixed(1)}" r="4" fill="${full ? color : '#fff'}" stroke="${color}" stroke-width="2"><title>${escape(curve.name)}: ${p.rate} msg/s, p99 ${p.deliveryP99.toFixed(1)} ms, ${(p.deliveredRatio * 100).toFixed(1)}% delivered</title></circle>`);
    }
    const lx = M.left + (i % 2) * 330;
    const ly = H - 36 + Math.floor(i / 2) * 18;
    out.push(`<line x1="${lx}" x2="${lx + 24}" y1="${ly - 4}" y2="${ly - 4}" stroke="${color}" stroke-width="2"/>`, `<text x="${lx + 30}" y="${ly}">${escape(curve.name)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}
