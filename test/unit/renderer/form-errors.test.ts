// A form's refusal names what the person sees (issue 14): the lab's sentence for 'settings.memoryMB' reads
// "Memory budget (MiB)" / "内存预算（MiB）" in the embeddings training form — the boundary's zod sentence and a service's
// own sentence (its error's field first) alike; fields the form does not show, and forms without labels, stay as they are.
import { describe, expect, it } from 'vitest';
import { createI18n } from 'vue-i18n';
import { LabError } from '../../../common/errors';
import { parseInput, toApiError } from '../../../main/lab/boundary';
import { errorMessage, formErrorMessage, LabApiError } from '../../../renderer/api/errors';
import { trainFieldLabelKey } from '../../../renderer/components/embeddings/trainFields';
import en from '../../../renderer/i18n/en';
import zhCN from '../../../renderer/i18n/zh-CN';

const i18n = createI18n({ legacy: false, locale: 'en', fallbackLocale: 'en', messages: { en, 'zh-CN': zhCN } });

/** The refusal the renderer receives for `input` on embeddings.train. */
function refusal(input: unknown): LabApiError {
  try {
    parseInput('embeddings.train', input);
  } catch (e) {
    return new LabApiError(toApiError(e));
  }
  throw new Error('accepted');
}

function shown(e: unknown, locale: 'en' | 'zh-CN'): string {
  i18n.global.locale.value = locale;
  return formErrorMessage(e, (field) => {
    const key = trainFieldLabelKey(field);
    return key === undefined ? undefined : i18n.global.t(key);
  });
}

describe('form refusals name the form\'s labels', () => {
  const glove = { dataset: 'plays', method: 'glove', settings: { memoryMB: 8 } };

  it('the boundary\'s sentence for settings.memoryMB reads as the GloVe form labels it, in English and Chinese', () => {
    const e = refusal(glove);
    expect(errorMessage(e)).toBe('Field "settings.memoryMB": must be at least 16, received 8.');
    expect(shown(e, 'en')).toBe('Memory budget (MiB): must be at least 16, received 8.');
    expect(shown(e, 'zh-CN')).toBe('内存预算（MiB）: must be at least 16, received 8.');
    expect(shown(refusal({ ...glove, settings: { window: 0, sg: 'yes' } }), 'en'))
      .toBe('Window: must be at least 1, received 0. Architecture: expected boolean, received string.');
  });

  it('a service\'s sentence that starts with the bare field name gets the label; other fields are left alone', () => {
    const service = new LabApiError(toApiError(new LabError('invalid_input', 'eta is 0, but it must be a number above 0 (0.05 is the default).', { field: 'eta' })));
    expect(shown(service, 'en')).toBe('Learning rate (AdaGrad) is 0, but it must be a number above 0 (0.05 is the default).');
    const unknown = refusal({ ...glove, settings: {}, tokensPerSecond: 5 });
    expect(shown(unknown, 'en')).toBe(errorMessage(unknown));
    expect(shown(new Error('Field "x" is odd.'), 'en')).toBe('Field "x" is odd.');
  });
});
