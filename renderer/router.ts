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
    { path: '/runs', name: 'runs', component: () => import('./pages/RunsPage.vue') },
    {
      path: '/runs/:id(\\d+)',
      name: 'run',
      component: () => import('./pages/RunPage.vue'),
      props: (route) => ({ id: Number(route.params.id) }),
    },
    { path: '/compare', name: 'compare', component: () => import('./pages/ComparePage.vue') },
    { path: '/experiments', name: 'experiments', component: () => import('./pages/ExperimentsPage.vue') },
    { path: '/experiments/new', name: 'experiment-new', component: () => import('./pages/ExperimentNewPage.vue') },
    {
      path: '/experiments/:id(\\d+)',
      name: 'experiment',
      component: () => import('./pages/ExperimentPage.vue'),
      props: (route) => ({ id: Number(route.params.id) }),
    },
    { path: '/seq2seq', name: 'seq2seq', component: () => import('./pages/Seq2seqPage.vue') },
    {
      path: '/seq2seq/:id(\\d+)',
      name: 'seq2seq-experiment',
      component: () => import('./pages/Seq2seqExperimentPage.vue'),
      props: (route) => ({ id: Number(route.params.id) }),
    },
    { path: '/attention', name: 'attention', component: () => import('./pages/AttentionPage.vue') },
    { path: '/projector', name: 'projector', component: () => import('./pages/ProjectorPage.vue') },
    { path: '/finetune', name: 'finetune', component: () => import('./pages/FinetunePage.vue') },
    { path: '/reports', name: 'reports', component: () => import('./pages/ReportsPage.vue') },
    {
      path: '/reports/:id(\\d+)',
      name: 'report',
      component: () => import('./pages/ReportPage.vue'),
      props: (route) => ({ id: Number(route.params.id) }),
    },
    { path: '/embeddings', name: 'embeddings', component: () => import('./pages/EmbeddingsPage.vue') },
    { path: '/about', name: 'about', component: () => import('./pages/AboutPage.vue') },
    { path: '/:pathMatch(.*)*', redirect: '/datasets' },
  ],
});
