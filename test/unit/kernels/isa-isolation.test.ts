// The AVX2 objects of the addon must define only AVX2-named entry points. Any other global symbol (an inline helper,
// a template instance) could be merged by the linker with the portable copy, and a CPU without AVX2 would then hit an
// illegal instruction on the "portable" path.

import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const targetsDir = fileURLToPath(new URL('../../../native-kernels/build/Release/obj.target', import.meta.url));
const objDir = join(targetsDir, 'kernels_avx2', 'src');
/** The AVX2 libraries' object folders: kernels_avx2 and the families built as libraries of their own. */
const AVX2_LIBRARIES = ['kernels_avx2', 'projection_avx2', 'embeddings_avx2'];
const avx2Dirs = (): string[] => AVX2_LIBRARIES.map((t) => join(targetsDir, t, 'src')).filter((d) => existsSync(d));

function nmAvailable(): boolean {
  try {
    execFileSync('nm', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const skipReason = !existsSync(objDir)
  ? `no AVX2 objects at ${objDir} (addon not built with node-gyp here)`
  : !nmAvailable()
    ? 'the nm tool (binutils) is not installed'
    : '';

describe.skipIf(skipReason !== '')(`AVX2 code stays behind the run-time switch${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  it('every global symbol defined in the AVX2 objects is an AVX2 entry point', () => {
    const objects = avx2Dirs().flatMap((dir) => readdirSync(dir).filter((f) => f.endsWith('.o')).map((f) => join(dir, f)));
    expect(objects.length).toBeGreaterThan(0);
    for (const object of objects) {
      const listing = execFileSync('nm', ['-C', '--defined-only', '-g', object]).toString();
      const names = listing.split('\n').filter(Boolean).map((line) => line.split(' ').slice(2).join(' '));
      expect(names.length, `${object} defines no entry point`).toBeGreaterThan(0);
      // DW.ref.__gxx_personality_v0 is a data word (the address of the C++ unwinding routine), the same in every
      // object that has unwind tables: no instructions, so no AVX2 can leak through it
      const foreign = names.filter((name) => !/^ak::(avx2::|microkernel_avx2\()/.test(name) && name !== 'DW.ref.__gxx_personality_v0');
      expect(foreign, `${object} defines symbols outside the AVX2 namespace`).toEqual([]);
    }
  });
});
