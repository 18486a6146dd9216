// Routes (hash history, so file:// in Electron and the served page both work): one per screen.
import { createRouter, createWebHashHistory } from 'vue-router';
import DatasetsPage from './pages/DatasetsPage.vue';

export const router = createRouter({
  history: createWebHashHistory(),
  routes: [
    { path: '/', redirect: '/datasets' },
    { path: '/datasets', name: 'datasets', component: DatasetsPage },
    {
      path: '/datasets/:id(\\d+)',
      name: 'dataset',
      component: () => import('./pages/DatasetDetailPage.vue'),
      props: (route) => ({ id: Number(route.params.id) }),
    },
    { path: '/tokenizers', name: 'tokenizers', component: () => import('./pages/TokenizersPage.vue') },
    {
      path: '/tokenizers/:id(\\d+)',
      name: 'tokenizer',
      component: () => import('./pages/TokenizersPage.vue'),
      props: (route) => ({ id: Number(route.params.id) }),
    },
    { path: '/about', name: 'about', component: () => import('./pages/AboutPage.vue') },
    { path: '/:pathMatch(.*)*', redirect: '/datasets' },
  ],
});
