// AppInfoService: what the About box and `attention-lab info` show — version, front door, home, database, kernel backend.
import { version } from '../../../package.json';
import type { ChannelOutput } from '../../../common/api';
import type { LabContext } from './context';

export type LabMode = ChannelOutput<'app.info'>['mode'];

/**
 * Asks the kernel loader which backend it picked ('native-avx2', 'native-portable' or 'js').
 * The loader may be absent (an early checkout) or throw (a broken addon build); either way the
 * pure-JS reference kernels are what training would use, so 'js' is the truthful answer.
 */
export async function detectKernelBackend(): Promise<string> {
  try {
    const loader = (await import('../../../native-kernels/index')) as { getKernels(): { backend: string } };
    return loader.getKernels().backend;
  } catch {
    return 'js';
  }
}

export class AppInfoService {
  private backend: Promise<string> | null = null;

  constructor(
    private readonly ctx: LabContext,
    private readonly mode: LabMode,
    private readonly databasePath: string,
  ) {}

  async info(): Promise<ChannelOutput<'app.info'>> {
    // Loading the addon costs a few ms and never changes during a launch: do it once, on first ask.
    this.backend ??= detectKernelBackend();
    return {
      version,
      mode: this.mode,
      home: this.ctx.home,
      databasePath: this.databasePath,
      kernelBackend: await this.backend,
      platform: `${process.platform}-${process.arch}`,
    };
  }
}
