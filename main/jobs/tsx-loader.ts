// How a worker process loads the TypeScript sources: tsx found from this file, not from the working folder, so the
// CLI's workers start wherever the command runs (a global install, `npm link`, `node <project>/main/cli/bin.mjs`).
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** file:// URL of tsx's loader as resolved from this project ('--import tsx' alone resolves from the cwd). */
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
/** the project's tsconfig, which tsx otherwise looks for in the working folder */
const TSCONFIG = fileURLToPath(new URL('../../tsconfig.json', import.meta.url));

/** execArgv and environment for fork(): Node with tsx as its loader and the project's tsconfig. */
export function tsxWorkerOptions(): { execArgv: string[]; env: NodeJS.ProcessEnv } {
  return { execArgv: ['--import', TSX_LOADER], env: { ...process.env, TSX_TSCONFIG_PATH: TSCONFIG } };
}
