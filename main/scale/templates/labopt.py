# labopt.py - the lab's optimizer side (main/ml/optimizer.ts): AdamW with decoupled weight decay on linear matrices
# only, linear warmup + cosine learning rate, and the global gradient-norm clip factor.
import math

import torch


def learning_rate(step, t):
    """Learning rate for the 0-based step: linear warmup to lr, then cosine decay to minLr at `steps`.
    t: the run's training settings (lr, minLr, warmupSteps, steps)."""
    max_lr, min_lr, warmup, total = t['lr'], t['minLr'], t['warmupSteps'], t['steps']
    if step < warmup:
        return max_lr * (step + 1) / warmup
    if step >= total:
        return min_lr
    span = max(1, total - warmup)
    progress = (step - warmup) / span
    return min_lr + 0.5 * (max_lr - min_lr) * (1 + math.cos(math.pi * progress))


def grad_norm(params):
    """Global L2 norm of every gradient, summed in float64 as the lab sums it (a parameter without a gradient
    counts as zeros)."""
    sq = [p.grad.detach().double().pow(2).sum() for p in params if p.grad is not None]
    return math.sqrt(torch.stack(sq).sum().item()) if sq else 0.0


def clip_factor(norm, max_norm):
    """The factor that brings the norm down to max_norm when it is larger, else 1; NaN/Inf pass with 1 so the caller
    can stop the run."""
    if max_norm > 0 and math.isfinite(norm) and norm > max_norm:
        return max_norm / (norm + 1e-6)
    return 1.0


class LabAdamW(torch.optim.Optimizer):
    """Decoupled-weight-decay Adam as the lab's kernel computes it:
        g = grad * grad_scale;  m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2
        p -= lr * (m / (1 - b1^t) / (sqrt(v / (1 - b2^t)) + eps) + wd * p)
    with wd only for the matrices of linear layers. A parameter without a gradient (BERT's pooler under the masked-LM
    loss) is updated as with a zero gradient: its weight decay still applies, as in the lab. State per parameter:
    'm', 'v'; `t` counts the steps taken."""

    def __init__(self, named_params, weight_decay, beta1, beta2, eps):
        decay = [p for p, d in named_params if d]
        other = [p for p, d in named_params if not d]
        groups = [{'params': decay, 'weight_decay': weight_decay}, {'params': other, 'weight_decay': 0.0}]
        super().__init__([g for g in groups if g['params']], {'lr': 0.0, 'betas': (beta1, beta2), 'eps': eps, 'weight_decay': 0.0})
        self.t = 0
        for group in self.param_groups:
            for p in group['params']:
                self.state[p]['m'] = torch.zeros_like(p, memory_format=torch.preserve_format)
                self.state[p]['v'] = torch.zeros_like(p, memory_format=torch.preserve_format)

    @torch.no_grad()
    def step(self, lr, grad_scale=1.0):  # pylint: disable=arguments-differ
        self.t += 1
        for group in self.param_groups:
            b1, b2 = group['betas']
            c1, c2 = 1 - b1 ** self.t, 1 - b2 ** self.t
            wd, eps = group['weight_decay'], group['eps']
            for p in group['params']:
                st = self.state[p]
                m, v = st['m'], st['v']
                g = p.grad if p.grad is not None else torch.zeros_like(p)
                if grad_scale != 1.0:
                    g = g * grad_scale
                m.mul_(b1).add_(g, alpha=1 - b1)
                v.mul_(b2).addcmul_(g, g, value=1 - b2)
                update = (m / c1) / ((v / c2).sqrt_().add_(eps))
                if wd != 0:
                    update.add_(p, alpha=wd)
                p.add_(update, alpha=-lr)
