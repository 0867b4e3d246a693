/** One reported number: Chat-Flow's value next to its baseline from the same run. */
export interface Figure {
  /** Stable key, e.g. `fanout.one.knee`: compare matches figures of two runs by it. */
  id: string;
  scenario: string;
  label: string;
  unit: string;
  chatFlow: number | null;
  baseline: number | null;
  baselineLabel: string;
  /** Which way is better for Chat-Flow's value, hence for the ratio. */
  better: 'higher' | 'lower';
  /** What the performance targets ask for, when there is one: of the ratio, or of Chat-Flow's own value. */
  target?: { op: '>=' | '<='; value: number; of: 'ratio' | 'value' };
  note?: string;
}

export function ratioOf(figure: Pick<Figure, 'chatFlow' | 'baseline'>): number | null {
  if (figure.chatFlow === null || figure.baseline === null || figure.baseline === 0) return null;
  return figure.chatFlow / figure.baseline;
}

export function meetsTarget(figure: Figure): boolean | null {
  if (!figure.target) return null;
  const actual = figure.target.of === 'ratio' ? ratioOf(figure) : figure.chatFlow;
  if (actual === null) return null;
  return figure.target.op === '>=' ? actual >= figure.target.value : actual <= figure.target.value;
}

export function formatValue(value: number | null, unit: string): string {
  if (value === null) return 'n/a';
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return `${value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 })} ${unit}`.trim();
}

function formatRatio(ratio: number | null): string {
  return ratio === null ? 'n/a' : `${ratio.toFixed(2)}x`;
}

function targetText(figure: Figure): string {
  if (!figure.target) return '';
  const met = meetsTarget(figure);
  const wanted = figure.target.of === 'ratio' ? `${figure.target.value}x` : formatValue(figure.target.value, figure.unit);
  return `${figure.target.op} ${wanted} ${met === null ? '' : met ? 'met' : 'MISSED'}`.trim();
}

export interface TableRow {
  scenario: string;
  figure: string;
  chatFlow: string;
  baseline: string;
  ratio: string;
  target: string;
}

export function tableRows(figures: Figure[]): TableRow[] {
  return figures.map((f) => ({
    scenario: f.scenario,
    figure: `${f.label} (${f.better} is better)${f.note ? ` [${f.note}]` : ''}`,
    chatFlow: formatValue(f.chatFlow, f.unit),
    baseline: `${formatValue(f.baseline, f.unit)} (${f.baselineLabel})`,
    ratio: formatRatio(ratioOf(f)),
    target: targetText(f),
  }));
}

const COLUMNS: [keyof TableRow, string][] = [
  ['scenario', 'scenario'], ['figure', 'figure'], ['chatFlow', 'Chat-Flow'], ['baseline', 'baseline'], ['ratio', 'ratio'], ['target', 'target'],
];

export function textTable(rows: TableRow[]): string {
  const widths = COLUMNS.map(([key, title]) => Math.max(title.length, ...rows.map((r) => r[key].length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(COLUMNS.map(([, title]) => title)), line(widths.map((w) => '-'.repeat(w))), ...rows.map((r) => line(COLUMNS.map(([key]) => r[key])))].join('\n');
}

export function markdownTable(rows: TableRow[]): string {
  const escape = (cell: string) => cell.replaceAll('|', '\\|');
  return [
    `| ${COLUMNS.map(([, title]) => title).join(' | ')} |`,
    `|${COLUMNS.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${COLUMNS.map(([key]) => escape(r[key])).join(' | ')} |`),
  ].join('\n');
}

export interface Movement {
  id: string;
  label: string;
  before: number | null;
  after: number | null;
  /** after / before of the ratios: above 1 means the ratio grew. */
  change: number | null;
  verdict: 'better' | 'worse' | 'same' | 'missing';
}

/**
 * Matches two runs' figures by id and says which ratios moved, and which way. A ratio that moved
 * less than `tolerance` (a fraction) counts as the same: the machine is shared and noisy.
 */
export function compareFigures(before: Figure[], after: Figure[], tolerance = 0.1): Movement[] {
  const afterById = new Map(after.map((f) => [f.id, f]));
  const ids = [...new Set([...before.map((f) => f.id), ...after.map((f) => f.id)])];
  const beforeById = new Map(before.map((f) => [f.id, f]));
  return ids.map((id) => {
    const a = beforeById.get(id);
    const b = afterById.get(id);
    const figure = (b ?? a)!;
    const ra = a ? ratioOf(a) : null;
    const rb = b ? ratioOf(b) : null;
    if (ra === null || rb === null || ra === 0) return { id, label: `${figure.scenario}: ${figure.label}`, before: ra, after: rb, change: null, verdict: 'missing' };
    const change = rb / ra;
    const grew = change > 1 + tolerance;
    const shrank = change < 1 - tolerance;
    const verdict = !grew && !shrank ? 'same' : (grew === (figure.better === 'higher')) ? 'better' : 'worse';
    return { id, label: `${figure.scenario}: ${figure.label}`, before: ra, after: rb, change, verdict };
  });
}

export function movementTable(movements: Movement[]): string {
  const rows = movements.map((m) => [m.verdict === 'worse' ? 'WORSE' : m.verdict, m.label, formatRatio(m.before), formatRatio(m.after), m.change === null ? '' : `${((m.change - 1) * 100).toFixed(0)}%`]);
  const header = ['verdict', 'figure', 'ratio before', 'ratio after', 'change'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
