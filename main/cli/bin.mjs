#!/usr/bin/env node
// The attention-lab executable: lets Node load the TypeScript sources (tsx), then runs the CLI and exits with its code.
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

// The project's tsconfig, wherever the command is run from (npx may run it from any folder).
register({ tsconfig: fileURLToPath(new URL('../../tsconfig.json', import.meta.url)) });
const { runCli } = await import('./index.ts');
process.exitCode = await runCli(process.argv.slice(2));
