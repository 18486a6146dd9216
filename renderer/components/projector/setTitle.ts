// A vector set's title in the page's language, built from what the set is (main sends a plain English one).
import type { ProjectorSetT, ProjectorSourceRunT } from '../../../common/api';

type T = (key: string, values?: Record<string, unknown>) => string;

/** "gpt-tiny · step-12 · Token embeddings", "bert · step-6 · Contextual vectors · Layer 2"; a file keeps its own title. */
export function setTitle(t: T, set: ProjectorSetT, sources: readonly ProjectorSourceRunT[]): string {
  if (set.runId === null) return set.title;
  const run = sources.find((s) => s.runId === set.runId);
  const kind = set.kind === 'run-vectors' || set.kind === 'token-embedding' || set.kind === 'position-embedding' || set.kind === 'contextual'
    ? t(`projector.source.kinds.${set.kind}`) : set.kind;
  const parts = [run ? `${run.name} (${run.family.toUpperCase()})` : `#${set.runId}`, set.checkpoint ?? '', kind];
  if (set.layer !== null) parts.push(`${t('projector.source.layer')} ${set.layer}`);
  return parts.filter((p) => p !== '').join(' · ');
}
