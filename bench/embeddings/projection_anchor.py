#!/usr/bin/python3
"""Anchors and judges for the projection benchmarks (run with Debian's /usr/bin/python3: scikit-learn 1.2,
pynndescent 0.5). Reads raw little-endian float32 matrices written by projection_bench.ts; prints one JSON line.

  tsne    X N D OUT            scikit-learn's Barnes-Hut t-SNE with its defaults (perplexity 30, init 'pca',
                               learning_rate 'auto', 1000 iterations, angle 0.5), n_jobs=2; writes the layout to OUT
  quality X N D Y DIMS [--perplexity P] [--sample S] [--metric M]
                               judges a layout Y of X: exact KL(P || Q) with scikit-learn's own P for that perplexity
                               (P from the exact 3P+1 nearest neighbours, as TSNE builds it; Q over every pair), and
                               sklearn.manifold.trustworthiness(k=10), on a seeded sample of S rows when S < N
  pca     X N D K OUT          scikit-learn's PCA(n_components=K) fit + transform; writes the scores to OUT
  knn     X N D K              pynndescent's NNDescent (umap-learn's kNN) graph of the K nearest other rows: seconds,
                               and recall against the exact graph on a 2,000-row sample
"""
import json
import sys
import time

import numpy as np


def load(path, n, d):
    return np.fromfile(path, dtype=np.float32, count=n * d).reshape(n, d)


def tsne(args):
    from sklearn.manifold import TSNE
    X = load(args[0], int(args[1]), int(args[2]))
    t0 = time.perf_counter()
    model = TSNE(n_components=2, perplexity=30.0, init="pca", learning_rate="auto", method="barnes_hut",
                 angle=0.5, n_jobs=2, random_state=0)
    Y = model.fit_transform(X)
    seconds = time.perf_counter() - t0
    Y.astype(np.float32).tofile(args[3])
    print(json.dumps({"seconds": seconds, "kl_reported": float(model.kl_divergence_), "iterations": int(model.n_iter_)}))


def exact_kl(X, Y, perplexity):
    """KL(P || Q): P exactly as scikit-learn's TSNE builds it for this perplexity, Q the Student-t similarities of
    the layout over every pair (Z summed in row blocks)."""
    from sklearn.manifold._t_sne import _joint_probabilities_nn
    from sklearn.neighbors import NearestNeighbors
    n = X.shape[0]
    k = min(n - 1, int(3.0 * perplexity + 1))
    knn = NearestNeighbors(n_neighbors=k, metric="euclidean").fit(X)
    graph = knn.kneighbors_graph(mode="distance")
    graph.data **= 2
    P = _joint_probabilities_nn(graph, perplexity, 0).tocoo()
    Y = Y.astype(np.float64)
    z = 0.0
    sq = (Y * Y).sum(1)
    for start in range(0, n, 1024):
        block = Y[start:start + 1024]
        d2 = sq[start:start + 1024, None] + sq[None, :] - 2.0 * block @ Y.T
        np.maximum(d2, 0.0, out=d2)
        z += (1.0 / (1.0 + d2)).sum() - block.shape[0]  # minus the diagonal, K_ii = 1
    d2 = ((Y[P.row] - Y[P.col]) ** 2).sum(1)
    q = 1.0 / (1.0 + d2) / z
    p = P.data.astype(np.float64)
    keep = p > 0
    return float((p[keep] * np.log(p[keep] / q[keep])).sum())


def quality(args):
    from sklearn.manifold import trustworthiness
    n, d, dims = int(args[1]), int(args[2]), int(args[4])
    X = load(args[0], n, d)
    Y = load(args[3], n, dims)
    perplexity, sample, metric = 30.0, n, "euclidean"
    rest = args[5:]
    for i in range(0, len(rest), 2):
        if rest[i] == "--perplexity":
            perplexity = float(rest[i + 1])
        elif rest[i] == "--sample":
            sample = int(rest[i + 1])
        elif rest[i] == "--metric":
            metric = rest[i + 1]
    out = {}
    if not np.all(np.isfinite(Y)):
        print(json.dumps({"error": "the layout has NaN or infinite coordinates"}))
        return
    rows = np.arange(n)
    if sample < n:
        rows = np.sort(np.random.default_rng(0).choice(n, size=sample, replace=False))
        out["sample"] = sample
    if perplexity > 0 and sample >= n:
        out["kl"] = exact_kl(X, Y, perplexity)
    out["trustworthiness"] = float(trustworthiness(X[rows], Y[rows], n_neighbors=10, metric=metric))
    print(json.dumps(out))


def pca(args):
    from sklearn.decomposition import PCA
    X = load(args[0], int(args[1]), int(args[2]))
    t0 = time.perf_counter()
    scores = PCA(n_components=int(args[3])).fit_transform(X)
    seconds = time.perf_counter() - t0
    scores.astype(np.float32).tofile(args[4])
    print(json.dumps({"seconds": seconds}))


def knn(args):
    from pynndescent import NNDescent
    from sklearn.neighbors import NearestNeighbors
    n, d, k = int(args[1]), int(args[2]), int(args[3])
    X = load(args[0], n, d)
    t0 = time.perf_counter()
    # k + 1: pynndescent lists each row as its own first neighbour
    index = NNDescent(X, n_neighbors=k + 1, metric="euclidean", random_state=None, n_jobs=2, low_memory=True,
                      compressed=False, max_candidates=60, verbose=False)
    idx, _ = index.neighbor_graph
    seconds = time.perf_counter() - t0
    rows = np.sort(np.random.default_rng(0).choice(n, size=min(n, 2000), replace=False))
    exact = NearestNeighbors(n_neighbors=k + 1).fit(X).kneighbors(X[rows], return_distance=False)
    hits = 0
    for r, a, b in zip(rows, idx[rows], exact):
        hits += len(set([j for j in a if j != r][:k]) & set([j for j in b if j != r][:k]))
    print(json.dumps({"seconds": seconds, "recall": hits / (len(rows) * k)}))

if __name__ == "__main__":
    {"tsne": tsne, "quality": quality, "pca": pca, "knn": knn}[sys.argv[1]](sys.argv[2:])
