// Sample corpora from node_modules: the Brown corpus (500 docs, 15 genres, tags stripped) and State of the Union.
import { describe, expect, it } from 'vitest';
import { listSamples, sampleSource, StatsAccumulator } from '../../../main/data/import/index';
import { detokenizeBrown, emailSubjectAndBody } from '../../../main/data/samples';
import { importAll, labError } from './helpers';

describe('sample corpora', () => {
  it('lists brown and sotu with their licences', () => {
    const ids = listSamples().map((s) => s.id);
    expect(ids).toEqual(['brown', 'sotu', 'spam', 'names']);
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

  it('spam: 6,046 emails, spam or ham, subject and body without headers', async () => {
    const { path, options } = sampleSource('spam');
    const { docs } = await importAll(path, options);
    const counts: Record<string, number> = {};
    for (const d of docs) counts[d.label ?? 'none'] = (counts[d.label ?? 'none'] ?? 0) + 1;
    // as packaged: spam-1 500 + spam-2 1,396 spam; easy-ham-1 2,500 + easy-ham-2 1,400 + hard-ham-1 250 ham
    expect(docs.length).toBe(6046);
    expect(counts.spam).toBe(1896);
    expect(Object.keys(counts).sort()).toEqual(['ham', 'spam']);
    expect(counts.spam).toBeGreaterThan(1500);
    // the routing headers are gone (a body may still quote some, e.g. a bounce)
    expect(docs.filter((d) => /^(From \S+@\S+ |Return-Path:|Received:|Delivered-To:)/.test(d.text)).map((d) => d.text.slice(0, 300))).toEqual([]);
    expect(docs.filter((d) => /^Delivered-To: zzzz@/m.test(d.text)).length).toBeLessThan(30);
  });

  it('emailSubjectAndBody keeps a folded subject and the body', () => {
    expect(emailSubjectAndBody('From: a@b\r\nSubject: Win\r\n  big now\r\nX-Spam: yes\r\n\r\nClick here.\r\n')).toBe('Win big now\n\nClick here.');
    expect(emailSubjectAndBody('From: a@b\n\nNo subject.')).toBe('No subject.');
  });

  it('names: one document per name, labelled female or male', async () => {
    const { path, options } = sampleSource('names');
    const { docs } = await importAll(path, options);
    const female = docs.filter((d) => d.label === 'female');
    const male = docs.filter((d) => d.label === 'male');
    expect(female.length + male.length).toBe(docs.length);
    expect(female.length).toBeGreaterThan(4000);
    expect(male.length).toBeGreaterThan(2000);
    expect(female.map((d) => d.text)).toContain('Abigail');
    expect(docs.every((d) => !/\s/.test(d.text))).toBe(true);
  });

  it('refuses an unknown sample id', async () => {
    const err = await labError(async () => sampleSource('wiki'));
    expect(err.message).toBe('There is no sample corpus "wiki": choose one of brown, sotu, spam, names.');
    expect(err.code).toBe('invalid_input');
  });
});
