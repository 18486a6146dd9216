// Where a run trained outside the lab ran, as one short line: "PyTorch 2.4 DDP · 16 ranks on 2 nodes · nccl · bf16".
import type { TorchImportResultT } from '../../../common/api';

type Engine = TorchImportResultT['runs'][number]['engine'];
type Translate = (key: string, values?: Record<string, unknown>) => string;

/** An engine record (from the import result, or a run's originInfo) as one line; unknown parts are left out. */
export function engineSummary(e: Partial<Engine> | Record<string, unknown>, t: Translate): string {
  const get = (k: string): unknown => (e as Record<string, unknown>)[k];
  const torch = typeof get('torch') === 'string' ? ` ${String(get('torch')).replace(/\+.*$/, '')}` : '';
  const parts = [get('engine') === 'pytorch-ddp' ? `PyTorch${torch} DDP` : String(get('engine') ?? '?')];
  const ranks = get('ranks');
  const nodes = get('nodes');
  if (typeof ranks === 'number') {
    parts.push(typeof nodes === 'number' && nodes > 1 ? t('scale.ranksOnNodes', { n: ranks, nodes }) : t('scale.ranks', { n: ranks }));
  }
  if (typeof get('backend') === 'string') parts.push(String(get('backend')));
  if (typeof get('precision') === 'string') parts.push(String(get('precision')));
  return parts.join(' · ');
}
