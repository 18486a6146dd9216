#!/usr/bin/env python3
# train.py - trains one exported Attention Lab run with PyTorch DistributedDataParallel: the lab's model, AdamW,
# schedule, clipping, masking and batch order, on any number of ranks (torchrun, or launch_cpu.py here).
#
#   torchrun --nproc-per-node 8 train.py --run runs/NAME          (one node; see README.md for several and Slurm)
#   python3 launch_cpu.py --ranks 2 --run runs/NAME               (CPU ranks without torchrun)
#
# Ranks: the variables torchrun sets (RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT); NCCL on GPUs, gloo
# on CPU. Every rank draws the whole global batch from the lab's RNG and computes its own rows (in micro-batches of
# --micro-batch rows: gradient accumulation), with the loss scaled so that DDP's gradient average equals the
# gradient of the lab's mean loss over the global batch: the run is the same on 1 rank or 64.
# Output (--out, default RUN/output): metrics.jsonl, tensorboard/ event files, checkpoints/step-N/ (lab checkpoint
# folders), engine.json (where and how it ran). An interrupted run (SIGTERM, preemption) saves a checkpoint and
# continues from the newest one when started again (--resume auto).
import argparse
import contextlib
import datetime
import json
import math
import os
import signal
import socket
import sys
import time

import torch
import torch.distributed as dist

from labckpt import load_checkpoint, load_optimizer_state, load_weights_file, newest_resumable, save_checkpoint
from labdata import IGNORE_INDEX, M32, Rng, TokenSplit, batch_source, rank_rows
from labio import EventWriter, JsonlMetrics
from labopt import LabAdamW, clip_factor, grad_norm, learning_rate
from model import DropoutPlan, LabTransformer, load_lab_weights, parameter_specs


def parse_args(argv):
    ap = argparse.ArgumentParser(description='Train an exported Attention Lab run with PyTorch DDP.')
    ap.add_argument('--run', required=True, help='the run folder (holds run.json)')
    ap.add_argument('--out', help='output folder (default: RUN/output)')
    ap.add_argument('--device', default='auto', choices=['auto', 'cpu', 'cuda'])
    ap.add_argument('--precision', default='fp32', choices=['fp32', 'bf16', 'fp16'],
                    help='bf16/fp16: autocast on CUDA (weights, optimizer and checkpoints stay float32)')
    ap.add_argument('--micro-batch', type=int, default=0,
                    help='rows per forward/backward on each rank (default: all of its rows at once); smaller means '
                         'more gradient-accumulation steps and less memory, the same result')
    ap.add_argument('--resume', default='auto',
                    help="'auto': continue from the newest checkpoint in OUT/checkpoints when there is one; 'never'; "
                         "or a checkpoint folder (e.g. the lab's own, included in the export) to continue from")
    ap.add_argument('--steps', type=int, default=0, help="total optimizer steps (default: the run's own); the "
                                                          'cosine schedule follows the new total')
    return ap.parse_args(argv)


class Dist:
    """Rank, world and the device of this process, from torchrun's variables (a single process without them)."""

    def __init__(self, device_choice):
        self.rank = int(os.environ.get('RANK', '0'))
        self.world = int(os.environ.get('WORLD_SIZE', '1'))
        self.local_rank = int(os.environ.get('LOCAL_RANK', '0'))
        cuda = torch.cuda.is_available() if device_choice == 'auto' else device_choice == 'cuda'
        if cuda and not torch.cuda.is_available():
            sys.exit('--device cuda was asked for, but PyTorch sees no CUDA device here.')
        if cuda:
            torch.cuda.set_device(self.local_rank)
            self.device = torch.device('cuda', self.local_rank)
        else:
            self.device = torch.device('cpu')
        self.backend = 'nccl' if cuda else 'gloo'
        self.distributed = self.world > 1
        if self.distributed:
            dist.init_process_group(self.backend)

    def all_sum(self, values):
        """Sums a float64 vector over the ranks (a plain list back)."""
        t = torch.tensor(values, dtype=torch.float64, device=self.device)
        if self.distributed:
            dist.all_reduce(t)
        return t.tolist()

    def gather(self, obj):
        if not self.distributed:
            return [obj]
        out = [None] * self.world
        dist.all_gather_object(out, obj)
        return out

    def barrier(self):
        if self.distributed:
            dist.barrier()


def now_iso():
    return datetime.datetime.now(datetime.timezone.utc).isoformat()


class Trainer:
    def __init__(self, args):
        self.args = args
        self.d = Dist(args.device)
        self.run_dir = os.path.abspath(args.run)
        with open(os.path.join(self.run_dir, 'run.json'), encoding='utf-8') as f:
            self.run = json.load(f)
        self.cfg, self.t = self.run['model'], dict(self.run['training'])
        if args.steps:
            self.t['steps'] = args.steps
        self.out = os.path.abspath(args.out or os.path.join(self.run_dir, 'output'))
        self.tokenizer = os.path.normpath(os.path.join(self.run_dir, self.run['tokenizer']))
        if args.precision != 'fp32' and self.d.device.type != 'cuda':
            sys.exit('--precision %s needs a CUDA device; on CPU train in fp32.' % args.precision)
        self.amp_dtype = {'fp32': None, 'bf16': torch.bfloat16, 'fp16': torch.float16}[args.precision]
        self.B, self.T = self.t['batchSize'], self.run['seqLen']
        if self.B < self.d.world:
            sys.exit('The global batch of %d rows cannot be split over %d ranks; use fewer ranks (or raise batchSize '
                     'in run.json, which changes the run).' % (self.B, self.d.world))
        data_dir = os.path.normpath(os.path.join(self.run_dir, self.run['data']))
        fam, V, sp = self.cfg['family'], self.cfg['vocabSize'], self.run['specials']
        # BERT masks at its training rate in training and always at the standard 15% in evaluation, as the lab does
        mp, eval_mp = self.run['maskProbability'], self.run.get('evalMaskProbability', 0.15)
        self.train_src = batch_source(fam, TokenSplit(data_dir, 'train'), self.T, V, sp, mp, 'train')
        val = TokenSplit(data_dir, 'validation')
        self.val_src = batch_source(fam, val, self.T, V, sp, eval_mp, 'validation') if val.total > 0 else None
        self.model = LabTransformer(self.cfg).to(self.d.device)
        specs = parameter_specs(self.cfg)
        params = dict(self.model.named_parameters())
        self.params = [params[n] for n, _, _ in specs]
        self.opt = LabAdamW([(params[n], role == 'linear') for n, _, role in specs], self.t['weightDecay'],
                            self.t.get('beta1', 0.9), self.t.get('beta2', 0.95), self.t.get('eps', 1e-8))
        self.step = 0
        self.rng = Rng(self.t['seed'])
        self.started_from = self.load_start()
        if self.d.distributed:
            kw = {'device_ids': [self.d.local_rank]} if self.d.device.type == 'cuda' else {}
            # BERT's pooler gets no gradient from the masked-LM loss, so DDP must expect unused parameters
            self.ddp = torch.nn.parallel.DistributedDataParallel(self.model, find_unused_parameters=fam == 'bert', **kw)
        else:
            self.ddp = self.model
        self.scaler = None
        if args.precision == 'fp16':  # torch.amp.GradScaler('cuda') since 2.3; torch.cuda.amp before
            self.scaler = torch.amp.GradScaler('cuda') if hasattr(torch.amp, 'GradScaler') else torch.cuda.amp.GradScaler()
        self.stop_signal = None
        self.engine = self.describe_engine()

    # ------------------------------------------------------------ start: resume, a given checkpoint, or init weights
    def say(self, line):
        if self.d.rank == 0:
            print(line, flush=True)

    def load_start(self):
        a = self.args.resume
        found = None
        if a == 'auto':
            found = newest_resumable(os.path.join(self.out, 'checkpoints'), self.cfg, self.say)
        elif a != 'never':
            folder = os.path.abspath(a)
            weights, state = load_checkpoint(folder, self.cfg)
            found = (folder, weights, state)
        if found is not None:
            folder, weights, state = found
            load_lab_weights(self.model, weights, folder)
            if state is not None:
                load_optimizer_state(self.opt, self.model, state)
                self.step, self.rng = state['step'], Rng.from_state(state['rng'])
            self.say('Continuing from %s at step %d of %d.' % (folder, self.step, self.t['steps']))
            self.resumed = True
            return 'checkpoint %s (step %d)' % (folder, self.step)
        self.resumed = False
        init = self.run.get('init')
        if init:
            path = os.path.join(self.run_dir, init)
            load_lab_weights(self.model, load_weights_file(path, self.cfg), path)
            self.say('Starting from the initial weights the lab drew (seed %d): %s.' % (self.cfg['seed'], init))
            return 'lab initial weights'
        self.say('No initial weights in run.json: starting from PyTorch-drawn weights (same recipe, other numbers).')
        return 'torch initial weights'

    def describe_engine(self):
        dev = torch.cuda.get_device_name(self.d.device) if self.d.device.type == 'cuda' else 'cpu'
        ranks = self.d.gather({'rank': self.d.rank, 'host': socket.gethostname(), 'device': dev})
        return {
            'engine': 'pytorch-ddp', 'torch': torch.__version__, 'python': sys.version.split()[0], 'backend': self.d.backend,
            'worldSize': self.d.world, 'nodes': len(set(r['host'] for r in ranks)), 'ranks': ranks,
            'precision': self.args.precision, 'microBatch': self.args.micro_batch or None, 'startedFrom': self.started_from,
            'lab': self.run.get('lab', {}), 'totalSteps': self.t['steps'],
        }

    def write_engine(self, status, reason=None):
        if self.d.rank != 0:
            return
        self.engine.update({'status': status, 'reason': reason, 'step': self.step, 'updatedAt': now_iso()})
        self.engine.setdefault('startedAt', now_iso())
        tmp = os.path.join(self.out, 'engine.json.tmp')
        with open(tmp, 'w', encoding='utf-8') as f:
            f.write(json.dumps(self.engine, indent=2) + '\n')
        os.replace(tmp, os.path.join(self.out, 'engine.json'))

    # ------------------------------------------------------------ one step
    def autocast(self):
        if self.amp_dtype is None:
            return contextlib.nullcontext()
        return torch.autocast('cuda', dtype=self.amp_dtype)

    def tensors(self, part):
        dev = self.d.device
        km = None if part.key_mask is None else torch.from_numpy(part.key_mask).to(dev)
        return torch.from_numpy(part.tokens).to(dev), km, torch.from_numpy(part.targets).to(dev)

    def micro_parts(self, batch):
        """This rank's rows of a global batch in micro-batches: [(first global row, rows)]."""
        lo, hi = rank_rows(batch.B, self.d.rank, self.d.world)
        size = self.args.micro_batch or (hi - lo)
        return [(r, batch.rows(r, min(r + size, hi))) for r in range(lo, hi, size)]

    def train_step(self):
        started = time.time()
        batch = self.train_src.next(self.rng, self.B)
        count = max(1, int((batch.targets != IGNORE_INDEX).sum()))
        for p in self.params:
            p.grad = None
        parts = self.micro_parts(batch)
        loss_sum = 0.0
        p_drop = self.cfg['dropout']
        for j, (row0, part) in enumerate(parts):
            tokens, km, targets = self.tensors(part)
            sync = j == len(parts) - 1 or not self.d.distributed
            with (contextlib.nullcontext() if sync else self.ddp.no_sync()):
                with self.autocast():
                    drop = DropoutPlan(p_drop, self.cfg['seed'], self.step, row0) if p_drop > 0 else None
                    ls, _, _ = self.ddp(tokens, km, None, targets, drop)
                # the mean over the global batch, times the world size that DDP's average divides by
                scaled = ls * (self.d.world / count)
                (self.scaler.scale(scaled) if self.scaler else scaled).backward()
            loss_sum += ls.detach().double().item()
        loss = self.d.all_sum([loss_sum])[0] / count
        if self.scaler:
            self.scaler.unscale_(self.opt)
        norm = grad_norm(self.params)
        scale = clip_factor(norm, self.t['gradClip'])
        lr = learning_rate(self.step, self.t)
        finite = math.isfinite(loss) and math.isfinite(norm)
        if self.scaler:
            self.scaler.step(self.opt, lr, scale)  # skips the step when fp16 gradients overflowed
            self.scaler.update()
            finite = math.isfinite(loss)
        elif finite:
            self.opt.step(lr, scale)
        self.step += 1
        seconds = max(1e-9, time.time() - started)
        return {'train/loss': loss, 'train/lr': lr, 'train/grad_norm': norm, 'train/tokens_per_s': self.B * self.T / seconds}, finite

    @torch.no_grad()
    def evaluate(self):
        """Mean loss and accuracy on the same validation batches every time (their own RNG), as the lab's."""
        self.model.eval()
        rng = Rng((self.t['seed'] ^ 0x9E3779B9) & M32)
        loss_sum = count = correct = 0.0
        for _ in range(self.t['evalBatches']):
            batch = self.val_src.next(rng, self.B)
            for _row0, part in self.micro_parts(batch):
                tokens, km, targets = self.tensors(part)
                with self.autocast():
                    ls, logits, wanted = self.model(tokens, km, None, targets)
                keep = wanted != IGNORE_INDEX
                loss_sum += ls.double().item()
                count += int(keep.sum())
                correct += int(((logits.argmax(dim=-1) == wanted) & keep).sum())
        self.model.train()
        loss_sum, count, correct = self.d.all_sum([loss_sum, count, correct])
        val = loss_sum / count if count > 0 else float('nan')
        out = {'val/loss': val, 'val/accuracy': correct / count if count > 0 else 0.0}
        if self.cfg['family'] == 'gpt':
            out['val/perplexity'] = math.exp(val) if val < 700 else float('inf')
        return out

    def checkpoint(self, reason):
        folder = os.path.join(self.out, 'checkpoints', 'step-%d' % self.step)
        if self.d.rank == 0:
            save_checkpoint(folder, self.model, self.opt, self.step, self.rng.get_state(), self.run, self.tokenizer,
                            dict(self.engine, reason=reason))
            self.say('Checkpoint: %s (%s)' % (folder, reason))
        self.d.barrier()

    # ------------------------------------------------------------ the loop
    def stop_requested(self):
        """All ranks stop together when any of them got SIGTERM/SIGINT (one small all-reduce per step)."""
        return self.d.all_sum([1.0 if self.stop_signal else 0.0])[0] > 0

    def fit(self):
        total, every, ck_every = self.t['steps'], self.t['evalEvery'], self.t['checkpointEvery']
        os.makedirs(self.out, exist_ok=True)
        metrics = events = None
        if self.d.rank == 0:
            metrics = JsonlMetrics(os.path.join(self.out, 'metrics.jsonl'), self.step if self.resumed else None)
            events = EventWriter(os.path.join(self.out, 'tensorboard'))
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda s, _f: setattr(self, 'stop_signal', s))

        def log(values):
            if metrics is not None:
                metrics.write(self.step, values)
                events.scalars(self.step, values)

        evaluates_at = lambda s: self.val_src is not None and every > 0 and s % every == 0 and s < total
        checkpoint_due = lambda s: ck_every > 0 and s % ck_every == 0 and s < total
        self.write_engine('running')
        self.say('Training %s (%s) on %d rank(s), %s, %s: steps %d..%d, global batch %d x %d.' % (
            self.run['name'], self.cfg['family'].upper(), self.d.world, self.d.backend, self.args.precision, self.step + 1,
            total, self.B, self.T))
        if not self.resumed and self.val_src is not None:
            log(self.evaluate())
        status, reason = 'completed', None
        while self.step < total:
            if self.stop_requested():
                status, reason = 'stopped', 'Stopped on request after step %d.' % self.step
                break
            values, finite = self.train_step()
            log(values)
            if not finite:
                what = 'The loss' if not math.isfinite(values['train/loss']) else 'The gradient norm'
                status = 'failed'
                reason = ('%s became %s at step %d (learning rate %.2e); the run was stopped with the metrics so far kept. '
                          'Lower the learning rate or enable gradient clipping.' % (
                              what, values['train/loss'] if what == 'The loss' else values['train/grad_norm'], self.step, values['train/lr']))
                break
            if self.step % 10 == 0 or self.step == total:
                self.say('step %d/%d  loss %.4f  lr %.2e  grad %.3f  %.0f tok/s' % (
                    self.step, total, values['train/loss'], values['train/lr'], values['train/grad_norm'], values['train/tokens_per_s']))
            if checkpoint_due(self.step) and not evaluates_at(self.step):
                self.checkpoint('periodic')
            if evaluates_at(self.step):
                log(self.evaluate())
                if checkpoint_due(self.step):
                    self.checkpoint('periodic')
        if status == 'completed' and self.val_src is not None:
            log(self.evaluate())
        if status != 'failed':
            self.checkpoint('final' if status == 'completed' else 'stop')
        self.write_engine(status, reason)
        if metrics is not None:
            metrics.close()
            events.close()
        self.say(reason or 'Finished: %d steps.' % self.step)
        return status


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    trainer = Trainer(args)
    status = trainer.fit()
    if trainer.d.distributed:
        dist.destroy_process_group()
    return {'completed': 0, 'stopped': 130, 'failed': 1}[status]


if __name__ == '__main__':
    sys.exit(main())
