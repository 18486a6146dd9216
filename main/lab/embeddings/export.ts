// Writing a run's word vectors for other tools (word2vec text/binary, the Embedding Projector's TSV pair) the way
// every lab export writes: no path → a free name in the lab's exports/ folder, a relative path → inside exports/, an
// existing file → refused unless `force`, and each file written under a temporary name and renamed into place.
import { existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { ChannelArgs } from '../../../common/api';
import { LabError } from '../../../common/errors';
import { exportProjector, exportW2vBin, exportW2vText } from '../../ml/embeddings/formats';
import type { WordVectors } from '../../ml/embeddings/store';
import { checkOutputPath, checkWritablePlace, writeAtomically } from '../../reports/output';
import { exportTarget } from '../app/export-target';

type ExportInput = Pick<ChannelArgs<'embeddings.export'>, 'format' | 'out' | 'force'>;

/** Writes `wv` as `input.format` and returns the files written ([vectors.tsv, metadata.tsv] for projector). */
export async function exportWordVectors(home: string, wv: WordVectors, stem: string, input: ExportInput): Promise<string[]> {
  const force = input.force === true;
  if (input.format !== 'projector') {
    const out = exportTarget(home, input.out, { stem, ext: input.format === 'w2v-bin' ? '.bin' : '.txt' }, force, 'out');
    await writeAtomically(out, (temp) => (input.format === 'w2v-bin' ? exportW2vBin : exportW2vText)(wv, temp));
    return [out];
  }
  const dir = projectorFolder(home, input.out, `${stem}-projector`);
  const files = [path.join(dir, 'vectors.tsv'), path.join(dir, 'metadata.tsv')];
  if (existsSync(dir)) for (const file of files) checkOutputPath(file, { force, field: 'out' });
  mkdirSync(dir, { recursive: true });
  // both under temporary names first: a failure leaves neither half-written
  await writeAtomically(files[0], (vectors) => writeAtomically(files[1], (metadata) => exportProjector(wv, vectors, metadata)));
  return files;
}

/** The projector's folder: made if missing (with the folders above it), files written inside an existing one. */
function projectorFolder(home: string, requested: string | undefined, name: string): string {
  if (requested === undefined) return exportTarget(home, undefined, { stem: name, ext: '' }, false, 'out');
  const dir = checkWritablePlace(path.isAbsolute(requested) ? requested : path.join(home, 'exports', requested), 'out');
  if (existsSync(dir) && !statSync(dir).isDirectory()) {
    throw new LabError('invalid_input',
      `${dir} is a file; the projector format writes a folder (vectors.tsv + metadata.tsv): give a folder path.`, { field: 'out' });
  }
  return dir;
}
