// useAction / useTaggedAction: run one user action (save, delete, import…) with a busy flag and its failure as a message.
import { computed, ref, type ComputedRef, type Ref } from 'vue';
import { errorMessage, formErrorMessage, type FieldLabel } from '../api';

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

/** `fieldLabel`: a form's labels for the API's field paths, so a refusal names what the person sees (formErrorMessage). */
export interface ActionOptions {
  fieldLabel?: FieldLabel;
}

export function useTaggedAction<Tag>(options: ActionOptions = {}): TaggedAction<Tag> {
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
      error.value = options.fieldLabel === undefined ? errorMessage(e) : formErrorMessage(e, options.fieldLabel);
      return false;
    } finally {
      busy.value = null;
    }
  }

  return { busy, error, run };
}

/** The common case: one action per component, so busy is a plain yes/no. */
export function useAction(options: ActionOptions = {}): Action {
  const tagged = useTaggedAction<true>(options);
  return {
    busy: computed(() => tagged.busy.value !== null),
    error: tagged.error,
    run: (work, onError) => tagged.run(true, work, onError),
  };
}
