// Pure formatting of comparison-table cells: each measured row's unit follows from its id, as the lab names them.
import type { ComparisonCellT } from '../api';

export type CellUnit = 'fraction' | 'count' | 'seconds' | 'mib' | 'number';

/** fill.* and continue.next are accuracies; cost.parameters a count; cost.wall seconds; cost.memory MiB. */
export function rowUnit(rowId: string): CellUnit {
  if (rowId.startsWith('fill.') || rowId === 'continue.next') return 'fraction';
  if (rowId === 'cost.parameters') return 'count';
  if (rowId === 'cost.wall') return 'seconds';
  if (rowId === 'cost.memory') return 'mib';
  return 'number';
}

/** One figure in its unit: "41.2%", "123,456", "12.3 s", "96 MiB", "3.14". */
export function formatValue(x: number, unit: CellUnit, locale = 'en'): string {
  switch (unit) {
    case 'fraction':
      return `${(x * 100).toFixed(1)}%`;
    case 'count':
      return new Intl.NumberFormat(locale).format(Math.round(x));
    case 'seconds':
      return `${x.toFixed(1)} s`;
    case 'mib':
      return `${x.toFixed(0)} MiB`;
    default:
      return x >= 100 ? x.toFixed(0) : x.toFixed(2);
  }
}

/** "41.2% ± 1.3%" over seeds, "41.2%" for one seed, or "—" when unmeasured (descriptive cells: wording.ts). */
export function formatCell(cell: ComparisonCellT, rowId: string, locale = 'en'): string {
  if (cell.mean === null) return '—';
  const unit = rowUnit(rowId);
  return cell.std === null ? formatValue(cell.mean, unit, locale) : `${formatValue(cell.mean, unit, locale)} ± ${formatValue(cell.std, unit, locale)}`;
}
