// The app.* and settings.* channels, each answered by its service.
import type { appChannels, Handlers } from '../../../common/api';
import type { AppInfoService } from './info';
import type { SettingsService } from './settings';

export function appHandlers(appInfo: AppInfoService, settings: SettingsService): Pick<Handlers, keyof typeof appChannels> {
  return {
    'app.info': () => appInfo.info(),
    'settings.get': () => settings.get(),
    'settings.set': (input) => settings.set(input),
  };
}
