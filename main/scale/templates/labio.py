# labio.py - files this project writes and reads: safetensors checkpoints with the lab's tensor names (written with the
# `safetensors` package when it is installed, else by hand from the format's spec), metrics as JSONL, and TensorBoard
# event files (TFRecord framing with masked CRC-32C, Event and Summary protobufs encoded by hand: no tensorboard needed).
import json
import os
import socket
import struct
import time

import torch

try:  # optional: the format is simple enough to write and read without it
    from safetensors.torch import save_file as _st_save
except ImportError:  # pragma: no cover - depends on the machine
    _st_save = None


# ---------------------------------------------------------------- safetensors
# 8-byte little-endian header length N, N bytes of JSON {"__metadata__": {str: str}, name: {"dtype": "F32",
# "shape": [...], "data_offsets": [begin, end]}}, then the raw little-endian data (offsets from the end of the header).

def write_safetensors(path, tensors, metadata):
    """tensors: list of (name, float32 tensor) in file order; metadata: {str: str}. Appears atomically (temp + rename)."""
    tmp = '%s.tmp-%d' % (path, os.getpid())
    flat = [(name, t.detach().to('cpu', torch.float32).contiguous()) for name, t in tensors]
    if _st_save is not None:
        _st_save(dict(flat), tmp, metadata=metadata)
    else:
        header = {'__metadata__': metadata}
        offset = 0
        for name, t in flat:
            n = t.numel() * 4
            header[name] = {'dtype': 'F32', 'shape': list(t.shape), 'data_offsets': [offset, offset + n]}
            offset += n
        text = json.dumps(header, separators=(',', ':')).encode('utf-8')
        text += b' ' * ((8 - len(text) % 8) % 8)  # the data starts 8-byte aligned, as the reference writer does
        with open(tmp, 'wb') as f:
            f.write(struct.pack('<Q', len(text)))
            f.write(text)
            for _, t in flat:
                f.write(t.numpy().astype('<f4', copy=False).tobytes())
    os.replace(tmp, path)


class BadFile(Exception):
    """A file that is truncated, foreign or does not fit the model; the message names the file and what is wrong."""


def read_safetensors(path):
    """-> (dict name -> float32 tensor, metadata dict). F32 tensors only, as the lab writes."""
    name = os.path.basename(path)
    with open(path, 'rb') as f:
        buf = f.read()
    if len(buf) < 8:
        raise BadFile('%s is %d bytes long, too short for a safetensors file (truncated?).' % (path, len(buf)))
    (n,) = struct.unpack('<Q', buf[:8])
    if n > len(buf) - 8:
        raise BadFile('%s declares a %d-byte header but only %d bytes follow; the file is truncated.' % (path, n, len(buf) - 8))
    try:
        header = json.loads(buf[8:8 + n].decode('utf-8'))
    except ValueError as e:
        raise BadFile('The header of %s is not valid JSON (%s).' % (path, e))
    data = memoryview(buf)[8 + n:]
    metadata = header.pop('__metadata__', {}) or {}
    out = {}
    for key, entry in header.items():
        if entry.get('dtype') != 'F32':
            raise BadFile('Tensor "%s" in %s has dtype %r; only F32 tensors are read.' % (key, name, entry.get('dtype')))
        begin, end = entry['data_offsets']
        count = 1
        for d in entry['shape']:
            count *= d
        if end - begin != count * 4 or end > len(data):
            raise BadFile('Tensor "%s" in %s ends at byte %d but the file holds %d data bytes; the file is truncated.'
                          % (key, name, end, len(data)))
        out[key] = torch.frombuffer(bytearray(data[begin:end]), dtype=torch.float32).reshape(entry['shape']).clone()
    return out, metadata


# ---------------------------------------------------------------- metrics as JSONL
def _json_number(v):
    """A float, or "nan" / "inf" / "-inf" (JSON has no non-finite numbers; readers take these spellings)."""
    v = float(v)
    if v != v:
        return 'nan'
    if abs(v) == float('inf'):
        return 'inf' if v > 0 else '-inf'
    return v


class JsonlMetrics:
    """One JSON object per line: {"step": n, "time": unix seconds, "train/loss": x, ...} (the lab's metric keys).
    Reopened on resume with the lines after the resumed step dropped, so the file holds one curve."""

    def __init__(self, path, resume_step=None):
        self.path = path
        if resume_step is not None and os.path.exists(path):
            kept = []
            with open(path, encoding='utf-8') as f:
                for line in f:
                    try:
                        if json.loads(line).get('step', 0) <= resume_step:
                            kept.append(line if line.endswith('\n') else line + '\n')
                    except ValueError:
                        pass  # a line cut by a crash
            with open(path, 'w', encoding='utf-8') as f:
                f.writelines(kept)
        elif resume_step is None and os.path.exists(path):
            os.remove(path)
        self.f = open(path, 'a', encoding='utf-8')

    def write(self, step, values, wall_time=None):
        rec = {'step': int(step), 'time': time.time() if wall_time is None else wall_time}
        rec.update({k: _json_number(v) for k, v in values.items()})
        self.f.write(json.dumps(rec) + '\n')
        self.f.flush()

    def close(self):
        self.f.close()


# ---------------------------------------------------------------- TensorBoard event files
_CRC_TABLE = []
for _i in range(256):
    _c = _i
    for _ in range(8):
        _c = (_c >> 1) ^ 0x82F63B78 if _c & 1 else _c >> 1
    _CRC_TABLE.append(_c)


def crc32c(data):
    """CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), as TFRecord frames use."""
    crc = 0xFFFFFFFF
    for b in data:
        crc = _CRC_TABLE[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def masked_crc32c(data):
    crc = crc32c(data)
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def _varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def _field(number, wire, payload):
    key = _varint((number << 3) | wire)
    if wire == 2:
        return key + _varint(len(payload)) + payload
    return key + payload


def encode_event(wall_time, step, file_version=None, scalars=None):
    """tensorflow.Event: wall_time (1, double), step (2, int64), file_version (3, string) or
    summary (5, Summary{ value (1, repeated Value{ tag (1, string), simple_value (2, float) }) })."""
    msg = _field(1, 1, struct.pack('<d', wall_time)) + _field(2, 0, _varint(int(step)))
    if file_version is not None:
        msg += _field(3, 2, file_version.encode('utf-8'))
    if scalars:
        values = b''.join(_field(1, 2, _field(1, 2, tag.encode('utf-8')) + _field(2, 5, struct.pack('<f', value)))
                          for tag, value in scalars.items())
        msg += _field(5, 2, values)
    return msg


def tfrecord(data):
    """length (uint64 LE), masked CRC of the length, data, masked CRC of the data."""
    length = struct.pack('<Q', len(data))
    return length + struct.pack('<I', masked_crc32c(length)) + data + struct.pack('<I', masked_crc32c(data))


class EventWriter:
    """A TensorBoard event file (events.out.tfevents.<time>.<host>) of scalar summaries; one new file per session."""

    def __init__(self, log_dir):
        os.makedirs(log_dir, exist_ok=True)
        now = time.time()
        self.path = os.path.join(log_dir, 'events.out.tfevents.%d.%s' % (int(now), socket.gethostname()))
        self.f = open(self.path, 'ab')
        self.f.write(tfrecord(encode_event(now, 0, file_version='brain.Event:2')))
        self.f.flush()

    def scalars(self, step, values, wall_time=None):
        finite = {k: float(v) for k, v in values.items() if v == v and abs(v) != float('inf')}
        if finite:
            self.f.write(tfrecord(encode_event(time.time() if wall_time is None else wall_time, step, scalars=finite)))
            self.f.flush()

    def close(self):
        self.f.close()
