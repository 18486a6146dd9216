// Tokenizers store: the lab's trained and imported tokenizers, refreshed on tokenizers.changed events.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { TokenizerT } from '../../preload/api';
import { call, errorMessage, onEvent } from '../api';

export const useTokenizersStore = defineStore('tokenizers', () => {
  const items = ref<TokenizerT[]>([]);
  const loaded = ref(false);
  const error = ref<string | null>(null);
  let subscribed = false;

  async function refresh(): Promise<void> {
    try {
      items.value = await call('tokenizers.list', {});
      error.value = null;
    } catch (e) {
      error.value = errorMessage(e);
    } finally {
      loaded.value = true;
    }
  }

  async function init(): Promise<void> {
    if (!subscribed) {
      subscribed = true;
      onEvent('tokenizers.changed', () => void refresh());
    }
    await refresh();
  }

  return { items, loaded, error, init, refresh };
});
