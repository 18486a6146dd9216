// The 'embeddings.*' channels of the API contract, each mapped to EmbeddingsService (the zod boundary in lab/boundary.ts
// has validated the input already).
import type { Handlers } from '../../../common/api';
import type { EmbeddingsService } from './service';

type EmbeddingChannel = Extract<keyof Handlers, `embeddings.${string}`>;

export function embeddingHandlers(s: EmbeddingsService): Pick<Handlers, EmbeddingChannel> {
  return {
    'embeddings.defaults': () => s.defaults(),
    'embeddings.train': (input) => s.train(input),
    'embeddings.runs': () => s.list(),
    'embeddings.checkpoints': (input) => s.checkpoints(input),
    'embeddings.neighbors': (input) => s.neighbors(input),
    'embeddings.analogy': (input) => s.analogy(input),
    'embeddings.spelling': (input) => s.spelling(input),
    'embeddings.vectors': (input) => s.vectors(input),
    'embeddings.export': (input) => s.export(input),
    'embeddings.import': (input) => s.import(input),
  };
}

