// The tokenizers.* channels, each answered by the tokenizer service.
import type { Handlers, tokenizerChannels } from '../../../common/api';
import type { TokenizerService } from './service';

export function tokenizerHandlers(tokenizers: TokenizerService): Pick<Handlers, keyof typeof tokenizerChannels> {
  return {
    'tokenizers.list': (input) => tokenizers.list(input),
    'tokenizers.get': (input) => tokenizers.get(input),
    'tokenizers.train': (input) => tokenizers.train(input),
    'tokenizers.vocab': (input) => tokenizers.vocab(input),
    'tokenizers.encode': (input) => tokenizers.encode(input),
    'tokenizers.import': (input) => tokenizers.import(input),
    'tokenizers.export': (input) => tokenizers.export(input),
    'tokenizers.delete': (input) => tokenizers.delete(input),
  };
}
