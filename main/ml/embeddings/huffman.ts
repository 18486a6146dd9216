// Huffman tree over the vocabulary for hierarchical softmax: each word's path from the root as inner-node indices
// (points, 0 .. V-2) and branch bits (codes), as word2vec.c builds it (frequent words get short paths).

export interface HuffmanPaths {
  /** (V + 1) word w's path is [starts[w], starts[w+1]) of codes and points */
  starts: Int32Array;
  codes: Uint8Array;
  points: Int32Array;
}

/** Builds the tree with the two-queue method over counts sorted in descending order (the vocabulary's order). */
export function huffmanPaths(counts: readonly number[]): HuffmanPaths {
  const V = counts.length;
  if (V < 2) throw new Error('huffmanPaths needs at least 2 words.');
  // Nodes 0..V-1 are the leaves (word ids), V..2V-2 the inner nodes in creation order.
  const weight = new Float64Array(2 * V - 1);
  const parent = new Int32Array(2 * V - 1);
  const bit = new Uint8Array(2 * V - 1);
  for (let i = 0; i < V; i++) weight[i] = counts[i];
  let leaf = V - 1; // next smallest leaf (counts descend, so leaves are taken from the end)
  let inner = V; // next smallest inner node (inner nodes are created in ascending weight)
  const smallest = (next: number): number => {
    if (leaf >= 0 && (inner >= next || weight[leaf] < weight[inner])) return leaf--;
    return inner++;
  };
  for (let n = V; n < 2 * V - 1; n++) {
    const a = smallest(n);
    const b = smallest(n);
    weight[n] = weight[a] + weight[b];
    parent[a] = n;
    parent[b] = n;
    bit[b] = 1;
  }
  const root = 2 * V - 2;
  const starts = new Int32Array(V + 1);
  const paths: number[][] = [];
  for (let w = 0; w < V; w++) {
    const nodes: number[] = [];
    for (let x = w; x !== root; x = parent[x]) nodes.push(x);
    paths.push(nodes);
    starts[w + 1] = starts[w] + nodes.length;
  }
  const codes = new Uint8Array(starts[V]);
  const points = new Int32Array(starts[V]);
  paths.forEach((nodes, w) => {
    // root first: the k-th step goes from inner node points[k] by branch codes[k]
    const L = nodes.length;
    for (let k = 0; k < L; k++) {
      const child = nodes[L - 1 - k];
      codes[starts[w] + k] = bit[child];
      points[starts[w] + k] = parent[child] - V;
    }
  });
  return { starts, codes, points };
}
