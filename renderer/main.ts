// Renderer entry: Vue app with Pinia, router and i18n; settings are loaded first so the first paint has the right language and theme.
import { createApp } from 'vue';
import { createPinia } from 'pinia';
import App from './App.vue';
import { router } from './router';
import { i18n } from './i18n';
import { useSettingsStore } from './stores/settings';
import { useTasksStore } from './stores/tasks';
import './styles/theme.css';
import './styles/tables.css';
import './styles/panels.css';
import './styles/layout.css';

const app = createApp(App);
app.use(createPinia());
app.use(i18n);
app.use(router);

const settings = useSettingsStore();
useTasksStore().start();
void settings.load().finally(() => app.mount('#app'));
