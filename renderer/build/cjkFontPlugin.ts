// Build step for the bundled Chinese font: keeps only the CJK slices of @fontsource/noto-sans-sc (weight 400, woff2).
import type { Plugin } from 'vite';

/** The stylesheet the renderer imports; everything else in the package is left alone. */
export const CJK_FONT_CSS = '@fontsource/noto-sans-sc/400.css';

/**
 * Noto Sans SC 400 comes as ~100 numbered unicode-range slices (the CJK ideographs, punctuation and full-width forms,
 * ~35 kB each) plus latin/latin-ext/cyrillic/vietnamese slices. The browser fetches a slice only when a character in
 * its range is drawn with the family, so shipping all CJK slices costs disk (3.5 MB) but not load time. Dropped here:
 * the non-CJK slices (the system fonts draw those) and the woff fallbacks (Chromium and Electron read woff2), which
 * would add 4.6 MB to the build. Other weights are not shipped, and the one face is declared for every weight: left
 * at 400, Chromium emboldens it for bold text, and that emboldened face kept drawing boxes after its slices had loaded
 * (headings and the navigation stayed unreadable until something re-requested the font). Chinese in bold text is
 * drawn at the regular weight instead.
 */
export function keepCjkSlices(css: string): string {
  const blocks = css.split(/(?=\/\* noto-sans-sc-)/);
  return blocks
    .filter((block) => /^\/\* noto-sans-sc-\[\d+\]-400-normal \*\//.test(block))
    .map((block) => block.replace(/,\s*url\([^)]*\.woff\) format\('woff'\)/g, '').replace('font-weight: 400;', 'font-weight: 100 900;'))
    .join('');
}

/** Vite plugin: rewrites the font stylesheet before Vite's CSS step resolves (and so emits) its url()s. */
export function cjkFontSlices(): Plugin {
  return {
    name: 'attention-lab:cjk-font-slices',
    enforce: 'pre',
    // Vite inlines files under 4 kB as data: URLs, which the page's CSP (font-src falls back to 'self') refuses:
    // a few small slices would never load. Fonts stay files.
    config: () => ({ build: { assetsInlineLimit: (file: string) => (file.endsWith('.woff2') ? false : undefined) } }),
    transform(code, id) {
      if (!id.replace(/\\/g, '/').split('?')[0].endsWith(CJK_FONT_CSS)) return null;
      return { code: keepCjkSlices(code), map: null };
    },
  };
}
