// SettingsService: the user's language, theme and hidden runs-table columns, kept in the `settings` key/value table of the lab's store.
import type { ChannelArgs, SettingsT } from '../../../common/api';
import { Language, Settings, Theme } from '../../../common/api';
import { DEFAULT_HIDDEN_RUN_COLUMNS } from '../../../common/run-columns';
import type { SettingsQueries } from '../../store/settings';
import type { LabContext } from './context';

type SettingKey = keyof SettingsT;

/**
 * The language a first start shows: Chinese when the system locale is zh*, else English.
 * Looks at the POSIX locale variables in their precedence order (LC_ALL > LC_MESSAGES > LANG),
 * then at the locale the JS runtime reports (Windows and macOS set no LANG for GUI apps).
 */
export function defaultLanguage(env: NodeJS.ProcessEnv = process.env): SettingsT['language'] {
  const fromEnv = [env.LC_ALL, env.LC_MESSAGES, env.LANG, env.LANGUAGE].find((v) => v !== undefined && v !== '' && v !== 'C' && v !== 'POSIX');
  const locale = fromEnv ?? Intl.DateTimeFormat().resolvedOptions().locale;
  return /^zh/i.test(locale) ? 'zh-CN' : 'en';
}

/** A stored JSON value, or undefined when it does not parse (then the default applies). */
function parseJson(raw: string | undefined): unknown {
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
}

export class SettingsService {
  private readonly defaults: SettingsT;
  private readonly q: SettingsQueries;

  constructor(ctx: LabContext, env: NodeJS.ProcessEnv = process.env) {
    this.defaults = { language: defaultLanguage(env), theme: 'system', hiddenRunColumns: [...DEFAULT_HIDDEN_RUN_COLUMNS] };
    this.q = ctx.store.settings;
  }

  /** Stored values that no longer parse (an older version, a hand edit) fall back to the default instead of failing. */
  async get(): Promise<SettingsT> {
    const stored = this.q.all();
    const language = Language.safeParse(stored.get('language'));
    const theme = Theme.safeParse(stored.get('theme'));
    const hidden = Settings.shape.hiddenRunColumns.safeParse(parseJson(stored.get('hiddenRunColumns')));
    return {
      language: language.success ? language.data : this.defaults.language,
      theme: theme.success ? theme.data : this.defaults.theme,
      hiddenRunColumns: hidden.success ? hidden.data : [...this.defaults.hiddenRunColumns],
    };
  }

  /** Writes only the given keys, all in one transaction, and returns the settings now in force. */
  async set(input: ChannelArgs<'settings.set'>): Promise<SettingsT> {
    const entries: [SettingKey, string][] = [];
    if (input.language !== undefined) entries.push(['language', input.language]);
    if (input.theme !== undefined) entries.push(['theme', input.theme]);
    if (input.hiddenRunColumns !== undefined) entries.push(['hiddenRunColumns', JSON.stringify([...new Set(input.hiddenRunColumns)])]);
    if (entries.length > 0) this.q.setMany(entries);
    return this.get();
  }
}
