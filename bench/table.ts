// Renders the figures as a plain-text table: value, physical limit, their ratio, target and whether it is met.
import type { Figure, Unit } from './figures.js';

const HEADER = ['Figure', 'Measured', 'Physical limit', 'Limit measured as', 'vs limit', 'Target', 'Meets target'];
const RIGHT_ALIGNED = new Set([1, 2, 4]);

export function formatAmount(value: number | null, unit: Unit): string {
  if (value === null || !Number.isFinite(value)) return 'n/a';
  const digits = unit === 'req/s' || unit === 'events/s' ? 0 : 1;
  return `${value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })} ${unit}`;
}

function ratio(value: number | null, limit: number | null): string {
  if (value === null || limit === null || limit === 0) return 'n/a';
  return `${(value / limit).toFixed(2)}×`;
}

function meets(figure: Figure): string {
  if (!figure.target) return '—';
  if (figure.target.met === null) return 'n/a';
  return figure.target.met ? 'yes' : 'NO';
}

function cells(figure: Figure): string[] {
  return [
    figure.label,
    formatAmount(figure.value, figure.unit),
    formatAmount(figure.limit, figure.unit),
    figure.limitLabel,
    ratio(figure.value, figure.limit),
    figure.target?.text ?? '—',
    meets(figure),
  ];
}

export function renderTable(figures: readonly Figure[]): string {
  const rows = [HEADER, ...figures.map(cells)];
  const widths = HEADER.map((_, col) => Math.max(...rows.map((row) => row[col]!.length)));
  const line = (row: string[]) =>
    row.map((cell, col) => (RIGHT_ALIGNED.has(col) ? cell.padStart(widths[col]!) : cell.padEnd(widths[col]!))).join(' | ').trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('-+-');
  return [line(HEADER), rule, ...rows.slice(1).map(line)].join('\n');
}
