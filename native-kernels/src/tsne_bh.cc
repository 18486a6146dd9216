// t-SNE repulsion by a grouped Barnes-Hut tree (a quadtree in 2D, an octree in 3D). Classic Barnes-Hut walks the tree
// once per point; here each leaf of at most kLeaf points walks it once for all of them, accepting a cell when its
// extent s and the distance r from the cell's centre of mass to the nearest edge of the leaf's bounding box satisfy
// s < theta r (so the test holds for every point of the leaf, a stricter test than the per-point one), and the leaf's
// points then run through the accepted cells and the points of the unaccepted leaves as one dense list in 8 SIMD
// lanes. One walk per leaf instead of per point, and dense arithmetic instead of pointer chasing, is what makes this
// many times faster than the per-point tree of scikit-learn at the same theta.
#include "tsne_bh.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <vector>

#include "cpu.h"
#include "threadpool.h"

#define AK_ISA_NS portable
#include "tsne_bh_impl.h"
#undef AK_ISA_NS

namespace ak {
namespace avx2 {
void interact2(float* z, float* rep, const float* const* px, int count, const float* const* lx, const float* lm, int64_t n);
void interact3(float* z, float* rep, const float* const* px, int count, const float* const* lx, const float* lm, int64_t n);
}  // namespace avx2

InteractFn interact_fn(int dims) {
  if (dims == 2) return use_avx2() ? avx2::interact2 : portable::interact2;
  return use_avx2() ? avx2::interact3 : portable::interact3;
}

namespace {

constexpr int kLeaf = 32;       // at most this many points in a leaf (more only where points coincide)
constexpr int kMaxDepth = 40;   // below this a cell is a leaf whatever its count (coincident points)

// The tree in structure-of-arrays form: the walk reads a node's centre of mass and extent far more often than
// anything else, and children of a node are consecutive, so those arrays are scanned in order.
template <int DIM>
struct Tree {
  std::vector<float> com[DIM];   // centre of mass
  std::vector<float> lo[DIM];    // tight bounding box of the node's points
  std::vector<float> hi[DIM];
  std::vector<float> size2;      // squared largest extent of that box
  std::vector<float> mass;       // number of points
  std::vector<int32_t> child;    // first child (children are consecutive); -1 for a leaf
  std::vector<int32_t> nchild;
  std::vector<int32_t> begin;    // the node's points: tree positions [begin, end)
  std::vector<int32_t> end;
  std::vector<int32_t> order;    // tree position -> point index
  std::vector<float> pos[DIM];   // coordinates in tree order
  std::vector<int32_t> leaves;   // leaf node indices, in tree order
  std::vector<int32_t> scratch;
  std::vector<uint8_t> code;

  int32_t add_node(int32_t b, int32_t e) {
    begin.push_back(b);
    end.push_back(e);
    child.push_back(-1);
    nchild.push_back(0);
    return static_cast<int32_t>(begin.size() - 1);
  }

  void build(const float* Y, int64_t N) {
    begin.clear();
    end.clear();
    child.clear();
    nchild.clear();
    leaves.clear();
    order.resize(static_cast<size_t>(N));
    scratch.resize(static_cast<size_t>(N));
    code.resize(static_cast<size_t>(N));
    for (int64_t i = 0; i < N; i++) order[static_cast<size_t>(i)] = static_cast<int32_t>(i);
    float blo[DIM], bhi[DIM];
    for (int d = 0; d < DIM; d++) {
      blo[d] = std::numeric_limits<float>::infinity();
      bhi[d] = -blo[d];
    }
    for (int64_t i = 0; i < N; i++) {
      for (int d = 0; d < DIM; d++) {
        blo[d] = std::min(blo[d], Y[i * DIM + d]);
        bhi[d] = std::max(bhi[d], Y[i * DIM + d]);
      }
    }
    struct Pending {
      int32_t node;
      int depth;
      float center[DIM];
      float half;
    };
    Pending root{add_node(0, static_cast<int32_t>(N)), 0, {}, 0};
    for (int d = 0; d < DIM; d++) {
      root.center[d] = 0.5f * (blo[d] + bhi[d]);
      root.half = std::max(root.half, 0.5f * (bhi[d] - blo[d]));
    }
    root.half = root.half * 1.0001f + 1e-20f;
    std::vector<Pending> stack{root};
    while (!stack.empty()) {
      const Pending p = stack.back();
      stack.pop_back();
      const int32_t b = begin[static_cast<size_t>(p.node)], e = end[static_cast<size_t>(p.node)];
      if (e - b <= kLeaf || p.depth >= kMaxDepth) {
        leaves.push_back(p.node);
        continue;
      }
      int32_t count[1 << DIM] = {};
      for (int32_t t = b; t < e; t++) {
        const float* y = Y + static_cast<int64_t>(order[static_cast<size_t>(t)]) * DIM;
        uint8_t c = 0;
        for (int d = 0; d < DIM; d++) c |= static_cast<uint8_t>((y[d] > p.center[d] ? 1 : 0) << d);
        code[static_cast<size_t>(t)] = c;
        count[c]++;
      }
      int32_t start[1 << DIM], fill[1 << DIM];
      int32_t at = b;
      for (int c = 0; c < (1 << DIM); c++) {
        start[c] = fill[c] = at;
        at += count[c];
      }
      for (int32_t t = b; t < e; t++) scratch[static_cast<size_t>(fill[code[static_cast<size_t>(t)]]++)] = order[static_cast<size_t>(t)];
      std::copy(scratch.begin() + b, scratch.begin() + e, order.begin() + b);
      int32_t first = -1, made = 0;
      for (int c = 0; c < (1 << DIM); c++) {
        if (count[c] == 0) continue;
        const int32_t id = add_node(start[c], start[c] + count[c]);
        if (first < 0) first = id;
        made++;
      }
      child[static_cast<size_t>(p.node)] = first;
      nchild[static_cast<size_t>(p.node)] = made;
      // children pushed last-first so they are split (and their leaves listed) in order
      int32_t id = first + made - 1;
      for (int c = (1 << DIM) - 1; c >= 0; c--) {
        if (count[c] == 0) continue;
        Pending q{id--, p.depth + 1, {}, 0.5f * p.half};
        for (int d = 0; d < DIM; d++) q.center[d] = p.center[d] + ((c >> d) & 1 ? 0.5f : -0.5f) * p.half;
        stack.push_back(q);
      }
    }
    const size_t n_nodes = begin.size();
    for (int d = 0; d < DIM; d++) {
      pos[d].resize(static_cast<size_t>(N));
      for (int64_t t = 0; t < N; t++) pos[d][static_cast<size_t>(t)] = Y[static_cast<int64_t>(order[static_cast<size_t>(t)]) * DIM + d];
      com[d].assign(n_nodes, 0.0f);
      lo[d].assign(n_nodes, 0.0f);
      hi[d].assign(n_nodes, 0.0f);
    }
    size2.assign(n_nodes, 0.0f);
    mass.assign(n_nodes, 0.0f);
    // Bottom-up: a child always has a larger index than its parent. Leaves sum their points; a parent its children.
    for (int64_t n = static_cast<int64_t>(n_nodes) - 1; n >= 0; n--) {
      const size_t u = static_cast<size_t>(n);
      double sum[DIM] = {};
      float l[DIM], h[DIM];
      for (int d = 0; d < DIM; d++) {
        l[d] = std::numeric_limits<float>::infinity();
        h[d] = -l[d];
      }
      if (child[u] < 0) {
        for (int32_t t = begin[u]; t < end[u]; t++) {
          for (int d = 0; d < DIM; d++) {
            const float v = pos[d][static_cast<size_t>(t)];
            sum[d] += v;
            l[d] = std::min(l[d], v);
            h[d] = std::max(h[d], v);
          }
        }
      } else {
        for (int32_t c = child[u]; c < child[u] + nchild[u]; c++) {
          const size_t v = static_cast<size_t>(c);
          for (int d = 0; d < DIM; d++) {
            sum[d] += static_cast<double>(com[d][v]) * mass[v];
            l[d] = std::min(l[d], lo[d][v]);
            h[d] = std::max(h[d], hi[d][v]);
          }
        }
      }
      const float m = static_cast<float>(end[u] - begin[u]);
      float s = 0;
      for (int d = 0; d < DIM; d++) {
        com[d][u] = static_cast<float>(sum[d] / m);
        lo[d][u] = l[d];
        hi[d][u] = h[d];
        s = std::max(s, h[d] - l[d]);
      }
      mass[u] = m;
      size2[u] = s * s;
    }
  }
};

// The dual walk: the tree of groups (the same tree) is descended from the root, carrying the cells still to be
// resolved for the current group. A cell whose extent is below theta times its distance to the group's box is
// accepted there, and so for every point below the group (their boxes lie inside it); a cell at least as large as
// the group is opened in place; a smaller one waits for the group to be split. At a leaf, every cell left is opened
// down to leaves, whose points are interacted one by one. Resolving cells once per subtree rather than once per leaf
// is what keeps the walk cheaper than the interactions.
template <int DIM>
struct DualWalk {
  const Tree<DIM>& t;
  float theta2;
  InteractFn interact;
  float* z;
  float* rep;
  // The tree's arrays as plain pointers: the walk's stores into its own buffers would otherwise make the compiler
  // reload every vector's data pointer on each use.
  const float* com[DIM];
  const float* lo[DIM];
  const float* hi[DIM];
  const float* pos[DIM];
  const float* size2;
  const float* mass;
  const int32_t* child;
  const int32_t* nchild;
  const int32_t* begin;
  const int32_t* end;
  // accepted cells along the current path, then (temporarily) a leaf's near points: SoA, padded to 8 at use
  std::vector<float> x[DIM];
  std::vector<float> m;
  int64_t n_far = 0;
  // candidate segments, one per depth of the current path, in cand[0, n_cand)
  std::vector<int32_t> cand;
  size_t n_cand = 0;
  std::vector<float> gz, grep;

  DualWalk(const Tree<DIM>& tree, float th2, InteractFn fn, float* zo, float* ro)
      : t(tree), theta2(th2), interact(fn), z(zo), rep(ro) {
    for (int d = 0; d < DIM; d++) {
      com[d] = tree.com[d].data();
      lo[d] = tree.lo[d].data();
      hi[d] = tree.hi[d].data();
      pos[d] = tree.pos[d].data();
    }
    size2 = tree.size2.data();
    mass = tree.mass.data();
    child = tree.child.data();
    nchild = tree.nchild.data();
    begin = tree.begin.data();
    end = tree.end.data();
  }

  void reserve_list(int64_t n) {
    if (static_cast<int64_t>(m.size()) >= n + 8) return;
    const size_t grown = std::max<size_t>(static_cast<size_t>(n + 8) * 2, 1024);
    for (int d = 0; d < DIM; d++) x[d].resize(grown);
    m.resize(grown);
  }

  void reserve_cand(size_t n) {
    if (cand.size() < n) cand.resize(std::max<size_t>(n * 2, 4096));
  }

  // Resolves the candidates cand[from, to) for group g, then descends into g's children or, at a leaf, interacts.
  // With `tasks`, a group of at most task_mass points is not descended but recorded (with its accepted cells and
  // candidates) for a thread to finish.
  void descend(int32_t g, size_t from, size_t to) {
    const bool leaf = child[g] < 0;
    const float gsize2 = size2[g];
    float glo[DIM], ghi[DIM];
    for (int d = 0; d < DIM; d++) {
      glo[d] = lo[d][g];
      ghi[d] = hi[d][g];
    }
    const int64_t far_before = n_far;
    const size_t work = n_cand;
    reserve_cand(n_cand + (to - from) + (1 << DIM));
    for (size_t i = from; i < to; i++) cand[n_cand++] = cand[i];
    // opened cells append their children, which this same loop then classifies
    for (size_t i = work; i < n_cand; i++) {
      const int32_t c = cand[i];
      float r2 = 0;
      for (int d = 0; d < DIM; d++) {
        const float gap = std::max(std::max(glo[d] - com[d][c], com[d][c] - ghi[d]), 0.0f);
        r2 += gap * gap;
      }
      if (size2[c] < theta2 * r2) {
        reserve_list(n_far + 1);
        for (int d = 0; d < DIM; d++) x[d][static_cast<size_t>(n_far)] = com[d][c];
        m[static_cast<size_t>(n_far)] = mass[c];
        n_far++;
        cand[i] = -1;
      } else if (child[c] >= 0 && (leaf || size2[c] >= gsize2)) {
        reserve_cand(n_cand + (1 << DIM));
        for (int32_t ch = child[c]; ch < child[c] + nchild[c]; ch++) cand[n_cand++] = ch;
        cand[i] = -1;
      }
    }
    const size_t kb = n_cand;
    reserve_cand(n_cand + (kb - work));
    for (size_t i = work; i < kb; i++) {
      if (cand[i] >= 0) cand[n_cand++] = cand[i];
    }
    const size_t ke = n_cand;
    if (leaf) {
      interact_leaf(g, kb, ke);
    } else {
      for (int32_t ch = child[g]; ch < child[g] + nchild[g]; ch++) {
        // a leaf is always a task, so the top of the walk (run while the caller does other work) never interacts
        if (tasks != nullptr && (mass[ch] <= task_mass || child[ch] < 0)) {
          Task task{ch, {}, {}, std::vector<int32_t>(cand.begin() + static_cast<int64_t>(kb), cand.begin() + static_cast<int64_t>(ke))};
          for (int d = 0; d < DIM; d++) task.x[d].assign(x[d].begin(), x[d].begin() + n_far);
          task.m.assign(m.begin(), m.begin() + n_far);
          tasks->push_back(std::move(task));
        } else {
          descend(ch, kb, ke);
        }
      }
    }
    n_cand = work;
    n_far = far_before;
  }

  struct Task {
    int32_t group;
    std::vector<float> x[DIM];
    std::vector<float> m;
    std::vector<int32_t> cand;
  };
  std::vector<Task>* tasks = nullptr;
  float task_mass = 0;

  // Finishes a recorded group: its inherited accepted cells and candidates, then the usual descent.
  void run(const Task& task) {
    n_far = static_cast<int64_t>(task.m.size());
    reserve_list(n_far);
    for (int d = 0; d < DIM; d++) std::copy(task.x[d].begin(), task.x[d].end(), x[d].begin());
    std::copy(task.m.begin(), task.m.end(), m.begin());
    reserve_cand(task.cand.size());
    std::copy(task.cand.begin(), task.cand.end(), cand.begin());
    n_cand = task.cand.size();
    descend(task.group, 0, n_cand);
  }

  // At a leaf group the candidates left are leaves (internal ones were opened): their points join the list.
  void interact_leaf(int32_t g, size_t kb, size_t ke) {
    int64_t n = n_far;
    for (size_t i = kb; i < ke; i++) n += end[cand[i]] - begin[cand[i]];
    reserve_list(n);
    int64_t at = n_far;
    for (size_t i = kb; i < ke; i++) {
      const int32_t b = begin[cand[i]], cnt = end[cand[i]] - b;
      for (int d = 0; d < DIM; d++) std::copy(pos[d] + b, pos[d] + b + cnt, x[d].data() + at);
      std::fill(m.data() + at, m.data() + at + cnt, 1.0f);
      at += cnt;
    }
    while (at % 8 != 0) {
      for (int d = 0; d < DIM; d++) x[d][static_cast<size_t>(at)] = 0.0f;
      m[static_cast<size_t>(at)] = 0.0f;
      at++;
    }
    const int32_t b = begin[g];
    const int count = end[g] - b;
    gz.assign(static_cast<size_t>(count), 0.0f);
    grep.assign(static_cast<size_t>(count) * DIM, 0.0f);
    const float* px[DIM];
    const float* lx[DIM];
    for (int d = 0; d < DIM; d++) {
      px[d] = pos[d] + b;
      lx[d] = x[d].data();
    }
    interact(gz.data(), grep.data(), px, count, lx, m.data(), at);
    for (int i = 0; i < count; i++) {
      const int64_t p = t.order[static_cast<size_t>(b + i)];
      z[p] = gz[static_cast<size_t>(i)];
      for (int d = 0; d < DIM; d++) rep[p * DIM + d] = grep[static_cast<size_t>(i * DIM + d)];
    }
  }
};

// Groups of at most this share of the points (and at least kTaskMin) are finished as parallel tasks: a fixed cut
// of the tree, so the result does not depend on the thread count.
constexpr int64_t kTaskShare = 64;
constexpr int64_t kTaskMin = 256;

// One Barnes-Hut evaluation in two halves: build() makes the tree and walks its top, down to a fixed cut of groups
// (serial; the caller overlaps it with the attraction), repulse() finishes those groups in parallel. The buffers stay
// with the object, so a run of steps allocates once.
template <int DIM>
struct Plan {
  Tree<DIM> tree;
  std::vector<typename DualWalk<DIM>::Task> tasks;
  float theta2 = 0;

  void build(const float* Y, int64_t N, float theta) {
    theta2 = theta * theta;
    tree.build(Y, N);
    tasks.clear();
    if (tree.child[0] < 0) {
      // the root is a leaf: one group with every point
      tasks.push_back({0, {}, {}, std::vector<int32_t>{0}});
      return;
    }
    DualWalk<DIM> top(tree, theta2, interact_fn(DIM), nullptr, nullptr);
    top.tasks = &tasks;
    top.task_mass = static_cast<float>(std::max<int64_t>(N / kTaskShare, kTaskMin));
    top.reserve_cand(1);
    top.cand[0] = 0;
    top.n_cand = 1;
    top.descend(0, 0, 1);
  }

  void repulse(float* z, float* rep) {
    parallel_for(static_cast<int64_t>(tasks.size()), 1, [&](int64_t b, int64_t e) {
      DualWalk<DIM> walk(tree, theta2, interact_fn(DIM), z, rep);
      for (int64_t i = b; i < e; i++) walk.run(tasks[static_cast<size_t>(i)]);
    });
  }
};

// Every pair, one row per task: the reference the tree is tested against, and the choice for theta = 0.
void repulsion_exact(float* z, float* rep, const float* Y, int64_t N, int dims) {
  parallel_for(N, 64, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; i++) {
      double zs = 0, f[3] = {0, 0, 0};
      for (int64_t j = 0; j < N; j++) {
        double r2 = 1.0, diff[3];
        for (int d = 0; d < dims; d++) {
          diff[d] = static_cast<double>(Y[i * dims + d]) - Y[j * dims + d];
          r2 += diff[d] * diff[d];
        }
        const double q = 1.0 / r2;
        zs += q;
        for (int d = 0; d < dims; d++) f[d] += q * q * diff[d];
      }
      z[i] = static_cast<float>(zs);
      for (int d = 0; d < dims; d++) rep[i * dims + d] = static_cast<float>(f[d]);
    }
  });
}

}  // namespace

struct BarnesHut::Impl {
  Plan<2> plan2;
  Plan<3> plan3;
  int dims = 2;
};

BarnesHut::BarnesHut() : impl_(std::make_unique<Impl>()) {}
BarnesHut::~BarnesHut() = default;

void BarnesHut::build(const float* Y, int64_t N, int dims, float theta) {
  impl_->dims = dims;
  if (dims == 2) {
    impl_->plan2.build(Y, N, theta);
  } else {
    impl_->plan3.build(Y, N, theta);
  }
}

void BarnesHut::repulse(float* z, float* rep) {
  if (impl_->dims == 2) {
    impl_->plan2.repulse(z, rep);
  } else {
    impl_->plan3.repulse(z, rep);
  }
}

void tsne_repulsion_exact(float* z, float* rep, const float* Y, int64_t N, int dims) { repulsion_exact(z, rep, Y, N, dims); }

void tsne_repulsion(float* z, float* rep, const float* Y, int64_t N, int dims, float theta) {
  if (theta <= 0) {
    repulsion_exact(z, rep, Y, N, dims);
    return;
  }
  BarnesHut bh;
  bh.build(Y, N, dims, theta);
  bh.repulse(z, rep);
}

}  // namespace ak
