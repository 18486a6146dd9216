// Sample corpora from node_modules: the Brown corpus (500 docs, 15 genres, tags stripped) and State of the Union.
import { describe, expect, it } from 'vitest';
import { listSamples, sampleSource, StatsAccumulator } from '../../../main/data/import/index';
import { detokenizeBrown } from '../../../main/data/samples';
import { importAll, labError } from './helpers';

describe('sample corpora', () => {
  it('lists brown and sotu with their licences', () => {
    const ids = listSamples().map((s) => s.id);
    expect(ids).toEqual(['brown', 'sotu']);
    for (const s of listSamples()) expect(s.license.length).toBeGreaterThan(10);
  });

  it('turns tagged Brown text into prose', () => {
    const tagged = "\n\n\tThe/at jury/nn said/vbd ``/`` no/at evidence/nn ''/'' ,/, (/( see/vb ca01/np )/) ./.\n\n\n\tIt's/pps+bez 1/2/cd done/vbn ./.\n";
    expect(detokenizeBrown(tagged)).toBe('The jury said "no evidence", (see ca01). It\'s 1/2 done.');
  });

  it('brown: 500 documents, 15 genre labels, no /tag suffixes left', async () => {
    const { path, options, name } = sampleSource('brown');
    expect(name).toBe('Brown corpus');
    const { docs, summary } = await importAll(path, options);
    expect(docs).toHaveLength(500);
    expect(summary.invalidCount).toBe(0);
    const stats = new StatsAccumulator();
    for (const d of docs) stats.add(d.text, d.label);
    const labels = stats.finish().labels;
    expect(Object.keys(labels)).toHaveLength(15);
    // genre sizes from the Brown corpus manual (cats.txt agrees)
    expect(labels).toMatchObject({ news: 44, learned: 80, belles_lettres: 75, science_fiction: 6, humor: 9 });
    // the tagged files have ~1.16 million "word/tag" tokens; what is left are real slashes ("and/or", "mg/l")
    const tagLeft = docs.find((d) => /\/(at|nn|nns|np|vbd|vbn|vbz|vb|in|jj|cc|rb|cs|to|pps|ppss)(-tl|-hl|\$)?(\s|$)/.test(d.text));
    expect(tagLeft?.text.slice(0, 80)).toBeUndefined();
    const slashes = docs.reduce((n, d) => n + d.text.split('/').length - 1, 0);
    expect(slashes).toBeLessThan(500);
    expect(docs[0].text.startsWith('The Fulton County Grand Jury said Friday an investigation of Atlanta\'s recent primary election produced "no evidence"')).toBe(true);
  });

  it('sotu: one document per address since 1790, labelled by party', async () => {
    const { path, options } = sampleSource('sotu');
    const { docs } = await importAll(path, options);
    expect(docs.length).toBeGreaterThanOrEqual(226); // 1790–2016 at least
    expect(docs[0].text.startsWith('Fellow-Citizens of the Senate and House of Representatives:')).toBe(true);
    expect(docs[0].label).toBeNull(); // Washington had no party
    expect(new Set(docs.map((d) => d.label))).toContain('Republican');
  });

  it('refuses an unknown sample id', async () => {
    const err = await labError(async () => sampleSource('wiki'));
    expect(err.message).toBe('There is no sample corpus "wiki": choose one of brown, sotu.');
    expect(err.code).toBe('invalid_input');
  });
});
