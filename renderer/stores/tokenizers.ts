// Tokenizers store: the lab's trained and imported tokenizers, refreshed on tokenizers.changed events.
import { defineStore } from 'pinia';
import type { TokenizerT } from '../../common/api';
import { call, onEvent } from '../api';
import { useListState } from './listState';

export const useTokenizersStore = defineStore('tokenizers', () => {
  const { items, loaded, error, refresh, subscribeOnce } = useListState<TokenizerT>(() => call('tokenizers.list', {}));

  async function init(): Promise<void> {
    subscribeOnce(() => onEvent('tokenizers.changed', () => void refresh()));
    await refresh();
  }

  return { items, loaded, error, init, refresh };
});
