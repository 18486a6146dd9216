#!/usr/bin/env python3
# launch_cpu.py - starts N ranks of train.py on this machine with the variables torchrun would set (RANK, WORLD_SIZE,
# LOCAL_RANK, LOCAL_WORLD_SIZE, MASTER_ADDR, MASTER_PORT), for CPUs (gloo) or where torchrun itself does not work
# (Debian's PyTorch 1.13 on Python 3.11: its elastic agent fails in `to_map`). The same train.py runs unchanged
# under torchrun on a cluster.
#
#   python3 launch_cpu.py --ranks 2 --run runs/NAME [train.py options...]
import argparse
import os
import signal
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def main():
    ap = argparse.ArgumentParser(description='Run train.py on N local ranks with the torchrun variables set.')
    ap.add_argument('--ranks', type=int, default=2)
    ap.add_argument('--threads', type=int, default=0, help='threads per rank (default: the cores divided by the ranks)')
    args, rest = ap.parse_known_args()
    if args.ranks < 1:
        sys.exit('--ranks must be at least 1.')
    threads = args.threads or max(1, (os.cpu_count() or 1) // args.ranks)
    port = str(free_port())
    procs = []
    for rank in range(args.ranks):
        env = dict(os.environ, RANK=str(rank), WORLD_SIZE=str(args.ranks), LOCAL_RANK=str(rank),
                   LOCAL_WORLD_SIZE=str(args.ranks), MASTER_ADDR='127.0.0.1', MASTER_PORT=port,
                   OMP_NUM_THREADS=str(threads), CUDA_VISIBLE_DEVICES=os.environ.get('CUDA_VISIBLE_DEVICES', ''))
        cmd = [sys.executable, os.path.join(HERE, 'train.py'), '--device', 'cpu'] + rest
        procs.append(subprocess.Popen(cmd, env=env))

    def forward(sig, _frame):
        for p in procs:
            if p.poll() is None:
                p.send_signal(sig)
    signal.signal(signal.SIGINT, forward)
    signal.signal(signal.SIGTERM, forward)
    # the first rank to fail takes the others down (they would wait for it in a collective forever)
    code = 0
    while any(p.poll() is None for p in procs):
        for p in procs:
            rc = p.poll()
            if rc not in (None, 0, 130) and code == 0:
                code = rc
                for q in procs:
                    if q.poll() is None:
                        q.terminate()
        time.sleep(0.2)
    codes = [p.returncode for p in procs]
    return code or max(codes, key=lambda c: c != 0)


if __name__ == '__main__':
    sys.exit(main())
