// `attention-lab info`: version, lab home, database, kernel backend and settings — what to paste into a bug report.
import type { CliCommand } from '../command';
import { fields } from '../format';

export const infoCommand: CliCommand = {
  name: 'info',
  summary: 'show the version, lab home, database, kernel backend and settings',
  usage: '',
  positionals: [],
  options: {},
  async run(ctx) {
    const info = await ctx.call('app.info', {});
    const settings = await ctx.call('settings.get', {});
    ctx.result({ ...info, settings }, () => fields([
      ['Attention Lab', info.version],
      ['lab home', info.home],
      ['database', info.databasePath],
      ['kernels', info.kernelBackend],
      ['platform', info.platform],
      ['language', settings.language],
      ['theme', settings.theme],
    ]));
  },
};
