// Web worker: attention rollout off the page's thread (12 layers of 512 × 512 products take seconds).
import { attentionRollout } from '../../charts/attentionMath';

export interface RolloutRequest {
  id: number;
  attention: Float32Array;
  L: number;
  NH: number;
  T: number;
  upTo: number;
  causal: boolean;
}

self.onmessage = (e: MessageEvent<RolloutRequest>): void => {
  const r = e.data;
  const result = attentionRollout(r.attention, r.L, r.NH, r.T, r.upTo, r.causal);
  (self as unknown as Worker).postMessage({ id: r.id, result }, [result.buffer]);
};
