// Where the renderer and preload come from: the electron-vite dev server in development, out/ files otherwise.
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** out/main/index.js is this bundle; its siblings out/preload and out/renderer are built beside it by electron-vite. */
const OUT_DIR = fileURLToPath(new URL('..', import.meta.url));

export interface RendererLocation {
  /** the dev server's URL, when electron-vite dev runs one */
  devUrl: string | null;
  /** out/renderer/index.html */
  indexFile: string;
  /** out/preload/index.cjs (sandboxed preloads must be CommonJS) */
  preloadFile: string;
}

export function rendererLocation(env: NodeJS.ProcessEnv = process.env): RendererLocation {
  return {
    devUrl: env.ELECTRON_RENDERER_URL ?? null,
    indexFile: join(OUT_DIR, 'renderer', 'index.html'),
    preloadFile: join(OUT_DIR, 'preload', 'index.cjs'),
  };
}

/**
 * True only for our own page: a file:// URL inside out/renderer, or a page of the dev server's origin.
 * IPC calls from anything else (an iframe, a page that got navigated somewhere) are refused.
 */
export function isOwnPage(url: string, where: RendererLocation): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (where.devUrl !== null && parsed.origin === new URL(where.devUrl).origin) return true;
  const rendererDir = pathToFileURL(join(where.indexFile, '..')).href;
  return parsed.protocol === 'file:' && parsed.href.startsWith(`${rendererDir}/`);
}
