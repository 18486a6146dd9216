// useAction / useTaggedAction: run one user action (save, delete, import…) with a busy flag and its failure as a message.
import { computed, ref, type ComputedRef, type Ref } from 'vue';
import { errorMessage } from '../api';

export interface TaggedAction<Tag> {
  /** which action is running (a form with several buttons spins only the pressed one); null when idle */
  busy: Ref<Tag | null>;
  error: Ref<string | null>;
  /** Clears the last error, runs `work`, and on failure shows its message after `onError` tidied up; true when it succeeded. */
  run: (tag: Tag, work: () => Promise<void>, onError?: () => void) => Promise<boolean>;
}

export interface Action {
  busy: ComputedRef<boolean>;
  error: Ref<string | null>;
  run: (work: () => Promise<void>, onError?: () => void) => Promise<boolean>;
}

export function useTaggedAction<Tag>(): TaggedAction<Tag> {
  const busy = ref(null) as Ref<Tag | null>;
  const error = ref<string | null>(null);

  async function run(tag: Tag, work: () => Promise<void>, onError?: () => void): Promise<boolean> {
    busy.value = tag;
    error.value = null;
    try {
      await work();
      return true;
    } catch (e) {
      onError?.();
      error.value = errorMessage(e);
      return false;
    } finally {
      busy.value = null;
    }
  }

  return { busy, error, run };
}

/** The common case: one action per component, so busy is a plain yes/no. */
export function useAction(): Action {
  const tagged = useTaggedAction<true>();
  return {
    busy: computed(() => tagged.busy.value !== null),
    error: tagged.error,
    run: (work, onError) => tagged.run(true, work, onError),
  };
}
