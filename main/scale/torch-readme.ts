// The text files of a PyTorch export: its README (what is in it, the torchrun commands for one node and several, a
// Slurm job, CPU ranks, how to bring the results back), each run's launch scripts, and the experiment-wide scripts.
import type { TorchExportBundle } from './torch-export';

/**
 * Shell lines that set PY to the Python to run: $PYTHON when given, else the first of python3 and /usr/bin/python3
 * that can import torch (a pyenv or venv python3 often cannot, while the system one has python3-torch), else a
 * sentence saying what to do.
 */
const FIND_PYTHON = `PY=\${PYTHON:-}
if [ -z "$PY" ]; then
  for candidate in python3 /usr/bin/python3; do
    if "$candidate" -c 'import torch' >/dev/null 2>&1; then PY=$candidate; break; fi
  done
  if [ -z "$PY" ]; then
    echo "No Python with PyTorch found (tried python3 and /usr/bin/python3): install PyTorch (Debian: python3-torch) or set PYTHON=/path/to/python3." >&2
    exit 1
  fi
fi
`;

/** Per-run launch scripts: torchrun on every GPU of one node, and N CPU ranks without torchrun. */
export function runLaunchScripts(slug: string): { torchrun: string; cpu: string } {
  const head = (what: string): string => `#!/usr/bin/env bash
# ${what}
# Extra options go to train.py (e.g. --precision bf16, --micro-batch 4, --resume never); see README.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
`;
  return {
    torchrun: `${head(`Run "${slug}" on one node with DDP: one rank per GPU (NPROC=… to choose), NCCL between them.`)}NPROC=\${NPROC:-$(nvidia-smi -L 2>/dev/null | wc -l)}
[ "$NPROC" -gt 0 ] || NPROC=1
exec torchrun --standalone --nnodes 1 --nproc_per_node "$NPROC" train.py --run runs/${slug} "$@"
`,
    cpu: `${head(`Run "${slug}" on RANKS (default 2) CPU ranks of this machine (gloo), with the torchrun variables set by launch_cpu.py.`)}${FIND_PYTHON}exec "$PY" launch_cpu.py --ranks "\${RANKS:-2}" --run runs/${slug} "$@"
`,
  };
}

/** Every run of the export, one after the other, on RANKS (default 2) local CPU ranks. */
export function cpuAllScript(slugs: string[]): string {
  return `#!/usr/bin/env bash
# Every run of this export, one after another, on RANKS (default 2) CPU ranks of this machine (gloo), without
# torchrun: launch_cpu.py sets RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR and MASTER_PORT for each rank.
# Extra options go to train.py.
set -euo pipefail
cd "$(dirname "$0")"
${FIND_PYTHON}for run in ${slugs.join(' ')}; do
  "$PY" launch_cpu.py --ranks "\${RANKS:-2}" --run "runs/$run" "$@"
done
`;
}

/** A Slurm array job: task i trains run i on NODES nodes × GPUs, torchrun rendezvous on the first node. */
export function slurmArrayScript(slugs: string[]): string {
  return `#!/bin/bash
# Slurm: one array task per run of this export (sbatch slurm.sbatch). Each task trains its run with DDP on the nodes
# it is given: torchrun on every node (srun starts one per node), rendezvous (c10d) on the first node, one rank
# per GPU. Edit the resources below; the run's result does not depend on them (train.py keeps the lab's global batch).
#SBATCH --job-name=attention-lab
#SBATCH --nodes=1
#SBATCH --ntasks-per-node=1
#SBATCH --gpus-per-node=8
#SBATCH --cpus-per-task=16
#SBATCH --time=04:00:00
#SBATCH --array=0-${slugs.length - 1}
#SBATCH --output=slurm-%A_%a.out
# Before the time limit (or on preemption) train.py gets SIGTERM, saves a checkpoint and stops; a requeued task
# continues from it (train.py --resume auto is the default).
#SBATCH --signal=TERM@120
#SBATCH --requeue
set -euo pipefail
cd "$SLURM_SUBMIT_DIR"
RUNS=(${slugs.join(' ')})
RUN=\${RUNS[$SLURM_ARRAY_TASK_ID]}
HEAD=$(scontrol show hostnames "$SLURM_JOB_NODELIST" | head -n 1)
GPUS=\${SLURM_GPUS_ON_NODE:-8}
srun torchrun --nnodes "$SLURM_NNODES" --nproc_per_node "$GPUS" \\
  --rdzv_backend c10d --rdzv_endpoint "$HEAD:29500" --rdzv_id "$SLURM_JOB_ID-$RUN" \\
  train.py --run "runs/$RUN"
`;
}

function runTable(bundle: TorchExportBundle): string {
  const rows = bundle.runs.map((r) => {
    const m = r.model;
    const t = r.training;
    const start = r.checkpoint === null ? 'no checkpoint: trains from scratch' : `lab checkpoint at step ${r.checkpoint.step} in runs/${r.slug}/checkpoint`;
    return `| \`runs/${r.slug}\` | ${r.name} | ${m.family.toUpperCase()} ${m.nLayer}×${m.dModel}, ${m.norm}-LN | ${t.steps} steps × ${t.batchSize} rows × ${m.contextLength} | ${start} |`;
  });
  return ['| folder | lab run | model | training | included checkpoint |', '|---|---|---|---|---|', ...rows].join('\n');
}

export function exportReadme(bundle: TorchExportBundle): string {
  const first = bundle.runs[0].slug;
  const many = bundle.runs.length > 1;
  return `# ${bundle.title} — PyTorch DDP export of Attention Lab

This folder trains ${many ? `the ${bundle.runs.length} runs of this experiment` : 'this run'} with PyTorch
DistributedDataParallel on as many GPUs (or CPU ranks) as you have, computing what Attention Lab computes: the same
GPT / BERT (parameter names equal to the lab's tensor names), the lab's AdamW (decay on linear matrices only), warmup
+ cosine schedule, global-norm clipping, BERT masking and the same batches in the same order, whatever the number of
ranks. Checkpoints are lab checkpoint folders (safetensors), so the results come back into the lab:

    npx attention-lab runs import-torch ${'<this folder>'}

${runTable(bundle)}

Needs Python 3.8+, PyTorch 1.12+ (NCCL on GPUs, gloo on CPU) and numpy; nothing else (no safetensors or
tensorboard package: both formats are written by hand).

## One node

    runs/${first}/launch.sh                              # every GPU of this machine (NPROC=4 runs/…/launch.sh for 4)
    torchrun --standalone --nnodes 1 --nproc_per_node 8 train.py --run runs/${first}

## Several nodes

Start the same command on every node (NODE_RANK is not needed with the c10d rendezvous):

    torchrun --nnodes 2 --nproc_per_node 8 --rdzv_backend c10d --rdzv_endpoint HEAD_HOST:29500 \\
      --rdzv_id my-run train.py --run runs/${first}

(PyTorch 2.1 and later also accept the hyphenated spellings, e.g. \`--nproc-per-node\`, \`--rdzv-endpoint\`.)

## Slurm

    sbatch slurm.sbatch              # one array task per run; edit --nodes / --gpus-per-node / --time first

## CPU ranks on this machine (no torchrun needed)

    ./run_cpu.sh                     # every run on 2 CPU ranks (RANKS=4 ./run_cpu.sh for 4)
    bash runs/${first}/launch_cpu.sh     # one run
    python3 launch_cpu.py --ranks 2 --run runs/${first}

The scripts run \`$PYTHON\` when it is set, else the first of \`python3\` and \`/usr/bin/python3\` that can import torch.

\`launch_cpu.py\` sets the variables torchrun would set (RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT)
and starts the ranks itself: Debian 12's PyTorch 1.13 on Python 3.11 ships a torchrun whose elastic agent fails
(\`to_map\`), while \`init_process_group('gloo')\` from those variables works. On a cluster train.py runs under torchrun
unchanged.

## train.py options

- \`--precision bf16|fp16\` on CUDA: autocast (fp16 with a gradient scaler); weights, AdamW moments and checkpoints
  stay float32. fp32 (the default) is what reproduces the lab's curve.
- \`--micro-batch N\`: rows per forward/backward on each rank. The global batch (run.json \`training.batchSize\`) is
  split over the ranks and each rank's share into micro-batches; the loss is scaled so that the gradient is the
  lab's mean over the whole batch (gradient accumulation), so the result does not depend on ranks or micro-batches.
- \`--resume auto\` (default) continues from the newest checkpoint in the output folder (after a preemption);
  \`--resume runs/<run>/checkpoint\` continues the lab's own checkpoint (weights, AdamW moments, step, batch RNG);
  \`--resume never\` starts again from the initial weights.
- \`--steps N\` changes the total number of steps (the cosine schedule follows it), e.g. to train a continued run
  further. Anything else (batch size, learning rate, …) is in \`runs/<run>/run.json\`; changing it changes the run.
- \`--out DIR\` (default \`runs/<run>/output\`).

## What a run writes (runs/<run>/output)

- \`metrics.jsonl\`: one JSON object per logged step, \`{"step", "time", "train/loss", "train/lr", "train/grad_norm",
  "train/tokens_per_s"}\` and \`{"val/loss", "val/accuracy", "val/perplexity"}\` at each evaluation (the lab's keys).
- \`tensorboard/events.out.tfevents.*\`: the same scalars for TensorBoard (\`tensorboard --logdir runs\`).
- \`checkpoints/step-N/\`: \`model.safetensors\` (the lab's tensor names, config in the metadata),
  \`optimizer.safetensors\` (AdamW moments, step, RNG state), \`config.json\`, \`tokenizer.json\`, \`trainer.json\`.
- \`engine.json\`: PyTorch version, backend, ranks, hosts and devices, precision, status — shown in the lab after import.

## What is in this folder

- \`model.py\` (GPT and BERT), \`train.py\` (DDP loop), \`labdata.py\` (the lab's RNG, token shards, batches, masking),
  \`labopt.py\` (AdamW, schedule, clipping), \`labckpt.py\` and \`labio.py\` (checkpoints, safetensors, JSONL,
  TensorBoard files), \`infer.py\` (logits of a checkpoint on token ids), \`launch_cpu.py\`.
- \`data/<data>/\`: the dataset's train and validation splits as token shards (\`index.json\`, \`*.bin\` little-endian
  ${'uint16/uint32'}, \`*.offsets.bin\` document boundaries) and the \`tokenizer.json\` that made them.
- \`runs/<run>/run.json\`: the lab's model config and training settings; \`init/model.safetensors\`: the initial weights
  the lab draws from the model seed; \`checkpoint/\`: the lab's newest checkpoint, when the run had one.

With PyTorch 2 the attention runs through \`scaled_dot_product_attention\` (fused kernels on GPUs); the numbers then
agree with the lab's to float rounding rather than exactly step for step.
`;
}
