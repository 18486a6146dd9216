# labckpt.py - checkpoint folders exactly as Attention Lab writes them (main/ml/checkpoint.ts, main/jobs/train/train-job.ts),
# so the lab reads them back as its own:
#   step-N/model.safetensors      the weights, the lab's tensor names and order; metadata: format, config (JSON), step
#   step-N/optimizer.safetensors  "m" and "v" flat over the parameter layout; metadata: format, step, t, rng (JSON)
#   step-N/config.json            the model config
#   step-N/tokenizer.json         the tokenizer the ids come from
#   step-N/trainer.json           the training settings the state belongs to (and where it ran)
import json
import os
import re
import shutil

import torch

from labio import BadFile, read_safetensors, write_safetensors
from model import check_state, parameter_specs

CHECKPOINT_FORMAT = 'attention-lab/1'


def save_checkpoint(folder, model, optimizer, step, rng_state, run, tokenizer_path, engine):
    """Writes one checkpoint folder (call on one rank only)."""
    os.makedirs(folder, exist_ok=True)
    cfg = run['model']
    params = dict(model.named_parameters())
    specs = parameter_specs(cfg)
    write_safetensors(os.path.join(folder, 'model.safetensors'), [(name, params[name]) for name, _, _ in specs],
                      {'format': CHECKPOINT_FORMAT, 'config': json.dumps(cfg), 'step': str(step)})
    m = torch.cat([optimizer.state[params[name]]['m'].reshape(-1).float().cpu() for name, _, _ in specs])
    v = torch.cat([optimizer.state[params[name]]['v'].reshape(-1).float().cpu() for name, _, _ in specs])
    write_safetensors(os.path.join(folder, 'optimizer.safetensors'), [('m', m), ('v', v)],
                      {'format': CHECKPOINT_FORMAT, 'step': str(step), 't': str(optimizer.t), 'rng': json.dumps(rng_state)})
    with open(os.path.join(folder, 'config.json'), 'w', encoding='utf-8') as f:
        f.write(json.dumps(cfg, indent=2) + '\n')
    shutil.copyfile(tokenizer_path, os.path.join(folder, 'tokenizer.json'))
    trainer = {'runId': run.get('lab', {}).get('runId'), 'step': step, 'training': run['training'], 'specials': run['specials'],
               'engine': engine}
    with open(os.path.join(folder, 'trainer.json'), 'w', encoding='utf-8') as f:
        f.write(json.dumps(trainer, indent=2) + '\n')


def load_weights_file(path, cfg):
    """The weights of a model.safetensors as {name: tensor}, checked against the config (the message names the
    tensor that is missing or has another shape)."""
    tensors, _meta = read_safetensors(path)
    try:
        check_state(cfg, tensors, path)
    except ValueError as e:
        raise BadFile(str(e))
    return tensors


def load_checkpoint(folder, cfg):
    """-> (weights, state or None); state = {'step', 't', 'rng', 'm', 'v'} (m, v flat) when optimizer.safetensors is
    there. Raises BadFile naming what is wrong."""
    weights = load_weights_file(os.path.join(folder, 'model.safetensors'), cfg)
    opt_path = os.path.join(folder, 'optimizer.safetensors')
    if not os.path.exists(opt_path):
        return weights, None
    tensors, meta = read_safetensors(opt_path)
    n = sum(_numel(shape) for _, shape, _ in parameter_specs(cfg))
    m, v = tensors.get('m'), tensors.get('v')
    if m is None or v is None or 'rng' not in meta or 't' not in meta:
        raise BadFile('%s lacks the moments m, v or the step/RNG metadata.' % opt_path)
    if m.numel() != n or v.numel() != n:
        raise BadFile('%s holds %d values per moment but the model has %d parameters.' % (opt_path, m.numel(), n))
    return weights, {'step': int(meta.get('step', '0')), 't': int(meta['t']), 'rng': json.loads(meta['rng']), 'm': m, 'v': v}


def _numel(shape):
    n = 1
    for d in shape:
        n *= d
    return n


def load_optimizer_state(optimizer, model, state):
    """Puts flat m, v (the lab's layout) into the optimizer's per-parameter state."""
    params = dict(model.named_parameters())
    at = 0
    for name, shape, _ in parameter_specs(model.cfg):
        p = params[name]
        n = _numel(shape)
        optimizer.state[p]['m'].copy_(state['m'][at:at + n].view(shape))
        optimizer.state[p]['v'].copy_(state['v'][at:at + n].view(shape))
        at += n
    optimizer.t = state['t']


def checkpoint_folders(root):
    """step-N folders under root, newest first."""
    if not os.path.isdir(root):
        return []
    found = [(int(m.group(1)), os.path.join(root, d)) for d in os.listdir(root) for m in [re.fullmatch(r'step-(\d+)', d)] if m]
    return [path for _, path in sorted(found, reverse=True)]


def newest_resumable(root, cfg, warn):
    """The newest checkpoint under root that reads back whole with its optimizer state: (folder, weights, state), or
    None. Broken ones (a crash during a write) are named through warn() and skipped."""
    for folder in checkpoint_folders(root):
        try:
            weights, state = load_checkpoint(folder, cfg)
        except (BadFile, OSError, ValueError, KeyError) as e:
            warn('Skipping checkpoint %s: %s' % (folder, e))
            continue
        if state is None:
            warn('Skipping checkpoint %s: it has no optimizer.safetensors, so training cannot continue from it.' % folder)
            continue
        return folder, weights, state
    return None
