// Font stacks for text the renderer draws itself (canvas, ECharts): the same families as theme.css, bundled CJK font included.

export { cjkCharacters } from '../utils/cjk';

/** theme.css's body stack: system Latin fonts, then the bundled Noto Sans SC for Chinese. */
export const UI_FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'Noto Sans SC', 'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', 'WenQuanYi Micro Hei', sans-serif";

/** ECharts draws on a canvas and does not inherit CSS: every chart option gets this text style. */
export const CHART_TEXT_STYLE = { fontFamily: UI_FONT } as const;

/**
 * A canvas draws with the glyphs loaded at the moment it draws; a slice of the bundled font that is not loaded yet
 * draws as boxes and is never redrawn. Calls `redraw` once the slices that `text` needs are in (no call when they
 * already are, so a redraw that calls this again stops there).
 */
export function redrawWhenFontsLoad(font: string, text: string, redraw: () => void): void {
  if (typeof document === 'undefined' || !('fonts' in document) || text === '') return;
  if (document.fonts.check(font, text)) return;
  void document.fonts.load(font, text).then((faces) => {
    if (faces.length > 0) redraw();
  });
}

/**
 * Loads the bundled font's slices for `text` (the UI's own Chinese strings) so charts and canvases drawn right after
 * start-up have their glyphs; gives up waiting after `timeoutMs` (the page still renders, the font swaps in).
 */
export function loadGlyphs(text: string, timeoutMs = 1500): Promise<void> {
  if (typeof document === 'undefined' || !('fonts' in document) || text === '') return Promise.resolve();
  const loaded = document.fonts.load(`14px 'Noto Sans SC'`, text).then(
    () => undefined,
    () => undefined,
  );
  return Promise.race([loaded, new Promise<void>((resolve) => setTimeout(resolve, timeoutMs))]);
}

/**
 * Chromium does not always redraw text that it laid out while the bundled font's slices were still loading: the
 * fallback's boxes stayed on screen after the glyphs had arrived (a language switched to Chinese at run time left the
 * navigation and headings as boxes). After each batch of slices loads, the page's font settings are nudged (kerning
 * toggled between two values that draw the same) so every text run is shaped again with the loaded glyphs.
 */
export function keepGlyphsInStep(): void {
  if (typeof document === 'undefined' || !('fonts' in document)) return;
  document.fonts.addEventListener('loadingdone', () => {
    const root = document.documentElement;
    root.style.fontKerning = root.style.fontKerning === 'normal' ? 'auto' : 'normal';
  });
}
