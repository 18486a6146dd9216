// Settings store: language, theme and the runs table's hidden columns, loaded from and saved to the lab (settings.get/set), applied to the page.
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { SettingsT } from '../../common/api';
import { call, errorMessage } from '../api';
import { setLocale } from '../i18n';
import { DEFAULT_HIDDEN_RUN_COLUMNS, type RunColumn } from '../../common/run-columns';

type ThemeChoice = SettingsT['theme'];

const darkQuery = typeof window !== 'undefined' && window.matchMedia ? window.matchMedia('(prefers-color-scheme: dark)') : null;

export const useSettingsStore = defineStore('settings', () => {
  const language = ref<SettingsT['language']>('en');
  const theme = ref<ThemeChoice>('system');
  const hiddenRunColumns = ref<RunColumn[]>([...DEFAULT_HIDDEN_RUN_COLUMNS]);
  const systemDark = ref(darkQuery?.matches ?? false);
  const error = ref<string | null>(null);

  /** The theme actually drawn: 'system' follows the OS and changes with it. */
  const resolvedTheme = computed<'light' | 'dark'>(() =>
    theme.value === 'system' ? (systemDark.value ? 'dark' : 'light') : theme.value,
  );

  function apply(): void {
    setLocale(language.value);
    document.documentElement.dataset.theme = resolvedTheme.value;
  }

  darkQuery?.addEventListener('change', (e) => {
    systemDark.value = e.matches;
    apply();
  });

  /** Adopts what the lab answers (or shows why it could not answer) and re-applies language and theme. */
  async function adopt(answer: Promise<SettingsT>): Promise<void> {
    try {
      const s = await answer;
      language.value = s.language;
      theme.value = s.theme;
      hiddenRunColumns.value = s.hiddenRunColumns;
      error.value = null;
    } catch (e) {
      error.value = errorMessage(e);
    }
    apply();
  }

  async function load(): Promise<void> {
    await adopt(call('settings.get', {}));
  }

  async function save(patch: Partial<SettingsT>): Promise<void> {
    // Apply at once so the switch feels instant; the lab's answer is the remembered truth.
    if (patch.language) language.value = patch.language;
    if (patch.theme) theme.value = patch.theme;
    if (patch.hiddenRunColumns) hiddenRunColumns.value = patch.hiddenRunColumns;
    apply();
    await adopt(call('settings.set', patch));
  }

  return {
    language,
    theme,
    hiddenRunColumns,
    resolvedTheme,
    error,
    load,
    setLanguage: (l: SettingsT['language']) => save({ language: l }),
    setTheme: (t: ThemeChoice) => save({ theme: t }),
    setHiddenRunColumns: (hidden: RunColumn[]) => save({ hiddenRunColumns: hidden }),
  };
});
