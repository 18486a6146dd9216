// Vite build of the renderer for browser mode and Electron: root renderer/, output out/renderer, relative asset paths.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';
import { cjkFontSlices } from './build/cjkFontPlugin';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * Dev loop: `ATTENTION_LAB_API=http://127.0.0.1:PORT npx vite --config renderer/vite.config.ts` forwards /api to a
 * running `attention-lab serve`; open the dev page with that server's ?token=…. The server refuses foreign
 * origins, so the proxy drops the dev page's Origin header (this only ever runs on the developer's machine).
 */
const api = process.env.ATTENTION_LAB_API;

export default defineConfig({
  root,
  base: './',
  plugins: [vue(), cjkFontSlices()],
  build: {
    outDir: fileURLToPath(new URL('../out/renderer', import.meta.url)),
    emptyOutDir: true,
    // ECharts alone is ~600 kB even tree-shaken; the app is loaded from disk, so a large chunk is fine.
    chunkSizeWarningLimit: 1500,
  },
  server: {
    strictPort: false,
    proxy: api
      ? {
          '/api': {
            target: api,
            changeOrigin: true,
            configure: (proxy) => proxy.on('proxyReq', (req) => req.removeHeader('origin')),
          },
        }
      : undefined,
  },
});
