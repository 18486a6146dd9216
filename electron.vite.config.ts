// electron-vite build of the desktop app: main (main/app/index.ts, ESM), sandboxed preload (CommonJS), renderer (renderer/).
import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';
import { cjkFontSlices } from './renderer/build/cjkFontPlugin';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * Native addons and packages that locate files next to themselves at run time must stay in node_modules,
 * not be bundled: better-sqlite3 (and its Electron build via nativeBinding), onnxruntime-node, tokenizers,
 * and the kernels addon (native-kernels/build/Release/*.node, loaded by native-kernels/index.ts).
 */
const NATIVE = ['better-sqlite3', 'onnxruntime-node', 'tokenizers', /\.node$/, /native-kernels\/build\//];

const KERNELS_ADDON = 'build/Release/attention_kernels.node';

/**
 * native-kernels/native.ts finds its addon at new URL('./build/Release/…', import.meta.url). Once bundled, that URL
 * is relative to the chunk holding the loader, so the built addon is copied next to that chunk. Without a built
 * addon nothing is copied and the app says it runs on the JS kernels.
 */
function kernelsAddonBesideChunk(): Plugin {
  let outDir = '';
  return {
    name: 'attention-lab:kernels-addon',
    configResolved(config) {
      outDir = config.build.outDir;
    },
    writeBundle(_options, bundle) {
      const addon = resolve(root, 'native-kernels', KERNELS_ADDON);
      if (!existsSync(addon)) return;
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== 'chunk' || !chunk.code.includes(KERNELS_ADDON)) continue;
        const target = join(outDir, dirname(chunk.fileName), KERNELS_ADDON);
        mkdirSync(dirname(target), { recursive: true });
        copyFileSync(addon, target);
      }
    },
  };
}

/**
 * main/scale/torch-export.ts copies the PyTorch project templates from new URL('./templates/', import.meta.url). Once
 * bundled, that URL is relative to the chunk holding the exporter (found by its format string), so the templates are
 * copied next to that chunk (issue 19).
 */
const TORCH_EXPORT_MARKER = 'attention-lab-torch-export/1';

function torchTemplatesBesideChunk(): Plugin {
  let outDir = '';
  return {
    name: 'attention-lab:torch-templates',
    configResolved(config) {
      outDir = config.build.outDir;
    },
    writeBundle(_options, bundle) {
      const templates = resolve(root, 'main', 'scale', 'templates');
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== 'chunk' || !chunk.code.includes(TORCH_EXPORT_MARKER)) continue;
        const target = join(outDir, dirname(chunk.fileName), 'templates');
        mkdirSync(target, { recursive: true });
        for (const f of readdirSync(templates)) if (f.endsWith('.py')) copyFileSync(join(templates, f), join(target, f));
      }
    },
  };
}

export default defineConfig({
  main: {
    plugins: [kernelsAddonBesideChunk(), torchTemplatesBesideChunk()],
    build: {
      outDir: resolve(root, 'out/main'),
      externalizeDeps: true,
      rolldownOptions: {
        // the workers are entries of their own: main/app/job-worker.ts forks out/main/worker.js and
        // main/app/analysis-worker.ts forks out/main/analysis-worker.js
        input: {
          index: resolve(root, 'main/app/index.ts'),
          worker: resolve(root, 'main/jobs/worker.ts'),
          'analysis-worker': resolve(root, 'main/jobs/analysis/worker.ts'),
        },
        external: NATIVE,
      },
    },
  },
  preload: {
    build: {
      outDir: resolve(root, 'out/preload'),
      // A sandboxed preload can require only 'electron': zod and the API contract must be bundled in.
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: resolve(root, 'preload/index.ts') },
        external: ['electron'],
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(root, 'renderer'),
    base: './',
    plugins: [vue(), cjkFontSlices()],
    build: {
      outDir: resolve(root, 'out/renderer'),
      emptyOutDir: true,
      chunkSizeWarningLimit: 1500,
      rolldownOptions: { input: { index: resolve(root, 'renderer/index.html') } },
    },
  },
});
