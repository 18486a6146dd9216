// Renderer entry: Vue app with Pinia, router and i18n; settings are loaded first so the first paint has the right language and theme.
import { createApp } from 'vue';
import { createPinia } from 'pinia';
import App from './App.vue';
import { router } from './router';
import { i18n, uiGlyphsLoaded } from './i18n';
import { useSettingsStore } from './stores/settings';
import { useTasksStore } from './stores/tasks';
import { keepGlyphsInStep } from './styles/fonts';
// the bundled Chinese font (CJK slices only, see build/cjkFontPlugin.ts): Chinese renders without system CJK fonts
import '@fontsource/noto-sans-sc/400.css';
import './styles/theme.css';
import './styles/tables.css';
import './styles/panels.css';
import './styles/layout.css';

const app = createApp(App);
app.use(createPinia());
app.use(i18n);
app.use(router);

const settings = useSettingsStore();
keepGlyphsInStep();
useTasksStore().start();
// the first paint waits (≤ 1.5 s) for the bundled font's Chinese glyphs, so charts drawn at once do not draw boxes
void settings
  .load()
  .then(() => uiGlyphsLoaded(settings.language))
  .finally(() => app.mount('#app'));
