// vue-i18n set-up: English and Simplified Chinese messages; the active language comes from the settings store.
import { createI18n } from 'vue-i18n';
import en from './en';
import zhCN from './zh-CN';
import { cjkCharacters, loadGlyphs } from '../styles/fonts';

export type Locale = 'en' | 'zh-CN';

export const i18n = createI18n({
  legacy: false,
  locale: 'en',
  fallbackLocale: 'en',
  messages: { en, 'zh-CN': zhCN },
});

/**
 * Switches the UI language once the bundled font holds that language's glyphs (≤ 1.5 s): text Chromium lays out while
 * the font's slices are still loading can keep the fallback's boxes after they arrive (seen on a machine without CJK
 * fonts: a switch to Chinese left the navigation and headings as boxes).
 */
export function setLocale(locale: Locale): void {
  void uiGlyphsLoaded(locale).then(() => {
    i18n.global.locale.value = locale;
    document.documentElement.lang = locale;
  });
}

/** Resolves once the bundled font holds every Chinese character of the UI's messages (at most ~1.5 s). */
export function uiGlyphsLoaded(locale: Locale): Promise<void> {
  return locale === 'zh-CN' ? loadGlyphs(cjkCharacters(JSON.stringify(zhCN))) : Promise.resolve();
}
