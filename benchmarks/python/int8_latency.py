"""PyTorch peer of the int8 inference latency benchmark (benchmarks/src/peers/pytorch_int8.ts).

Builds the suite's two latency models in PyTorch with the layer shapes of
benchmarks/src/models.ts (seedCnn: conv 10@5x5, relu, maxpool 2, conv 20@5x5,
relu, maxpool 2, fc 50 relu, fc 10 on 1x28x28; MobileNetV2-style: alpha 0.35,
96x96x3, stem and 7 inverted-residual blocks, 1x1 conv to 1280, global average
pool, 1000-way softmax dense) with random weights (latency does not depend on
them), and times each in fp32 and as eager-mode static int8 (QuantStub /
DeQuantStub, conv+bn(+relu) fused, the engine's default qconfig, calibrated on
random inputs, converted; FloatFunctional for the residual adds) per quantized
engine, at the given batches and one thread count (torch.set_num_threads).

Timing follows the .lite runtime's latency protocol (benchmarks/src/peers/latency.ts):
up to `warmup` warm-up calls within `maxWarmupSec`, then calls timed one by one:
up to `runs` within `maxSec`, at least `minRuns`.

Prints one JSON object on stdout:
  {"info": {...}, "cells": [{"model", "batch", "threads", "variant", "engine",
   "msPerCall": [...], "median", "p95"}], "notRun": {variant: reason}}
or {"skipped": "reason"} when torch is missing. The parent sets OMP_WAIT_POLICY=PASSIVE.
"""
import argparse
import json
import math
import sys
import time


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument('--threads', type=int, default=1)
    p.add_argument('--models', default='seedCnn,mobileNetV2')
    p.add_argument('--batches', default='1,256')
    p.add_argument('--engines', default='onednn,qnnpack')
    p.add_argument('--protocol', default='{"warmup":3,"maxWarmupSec":1,"runs":100,"minRuns":2,"maxSec":1.5}')
    # The faster layout of each on this machine: fp32 convs take oneDNN's blocked path in
    # channels_last; the quantized convs run NHWC inside either way and lose time to it.
    p.add_argument('--fp32-layout', default='channels_last', choices=['channels_last', 'nchw'])
    p.add_argument('--int8-layout', default='nchw', choices=['channels_last', 'nchw'])
    p.add_argument('--calib-batches', type=int, default=4)
    return p.parse_args()


def main():
    args = parse_args()
    try:
        import torch
        import torch.nn as nn
        import torch.ao.quantization as tq
    except Exception as e:  # noqa: BLE001 - any import failure means: no peer
        print(json.dumps({'skipped': f'torch not importable: {e}'}))
        return

    protocol = json.loads(args.protocol)
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)

    class SeedCnn(nn.Module):
        def __init__(self):
            super().__init__()
            self.quant = tq.QuantStub()
            self.dequant = tq.DeQuantStub()
            self.conv1 = nn.Conv2d(1, 10, 5)
            self.relu1 = nn.ReLU()
            self.pool1 = nn.MaxPool2d(2)
            self.conv2 = nn.Conv2d(10, 20, 5)
            self.relu2 = nn.ReLU()
            self.pool2 = nn.MaxPool2d(2)
            self.fc1 = nn.Linear(320, 50)
            self.relu3 = nn.ReLU()
            self.fc2 = nn.Linear(50, 10)

        def forward(self, x):
            x = self.quant(x)
            x = self.pool1(self.relu1(self.conv1(x)))
            x = self.pool2(self.relu2(self.conv2(x)))
            x = x.reshape(x.shape[0], -1)
            x = self.relu3(self.fc1(x))
            return self.dequant(self.fc2(x))

        def fuse(self):
            return [['conv1', 'relu1'], ['conv2', 'relu2'], ['fc1', 'relu3']]

    def conv_bn(cin, cout, k, stride, groups, relu):
        """Conv (no bias) + BatchNorm (+ ReLU6, or ReLU in the int8 build: see Act)."""
        layers = [nn.Conv2d(cin, cout, k, stride, 0 if k == 1 or stride == 2 else 1, groups=groups, bias=False), nn.BatchNorm2d(cout, eps=1e-3)]
        if relu:
            layers.append(Act())
        return nn.Sequential(*layers)

    class Act(nn.ReLU6):
        """ReLU6, as in the .lite model; the int8 build swaps it for ReLU before fusing
        (as torchvision's quantizable MobileNetV2 does): eager mode fuses conv+bn+ReLU
        only, and the calibrated output range of the fused conv does the clamping."""

    class Block(nn.Module):
        """Inverted residual: expand 1x1 (t > 1), [pad] depthwise 3x3 stride s, linear project 1x1, add when shapes allow."""

        def __init__(self, cin, t, cout, stride):
            super().__init__()
            mid = cin * t
            layers = []
            if t > 1:
                layers.append(conv_bn(cin, mid, 1, 1, 1, True))
            if stride == 2:
                # Keras pads one row and column at the bottom/right before a stride-2 'valid' 3x3 conv
                layers.append(nn.ZeroPad2d((0, 1, 0, 1)))
            layers.append(conv_bn(mid, mid, 3, stride, mid, True))
            layers.append(conv_bn(mid, cout, 1, 1, 1, False))
            self.body = nn.Sequential(*layers)
            self.residual = stride == 1 and cin == cout
            if self.residual:
                self.add = nn.quantized.FloatFunctional()

        def forward(self, x):
            y = self.body(x)
            return self.add.add(x, y) if self.residual else y

    class MobileNetV2Style(nn.Module):
        def __init__(self):
            super().__init__()
            self.quant = tq.QuantStub()
            self.dequant = tq.DeQuantStub()
            self.stem_pad = nn.ZeroPad2d((0, 1, 0, 1))
            self.stem = conv_bn(3, 16, 3, 2, 1, True)
            cfg = [(1, 8, 1), (6, 16, 2), (6, 16, 1), (6, 24, 2), (6, 24, 1), (6, 32, 2), (6, 32, 1)]
            blocks, cin = [], 16
            for t, cout, s in cfg:
                blocks.append(Block(cin, t, cout, s))
                cin = cout
            self.blocks = nn.Sequential(*blocks)
            self.head = conv_bn(cin, 1280, 1, 1, 1, True)
            self.pool = nn.AdaptiveAvgPool2d(1)
            self.dropout = nn.Dropout(0.2)
            self.logits = nn.Linear(1280, 1000)

        def forward(self, x):
            x = self.quant(x)
            x = self.head(self.blocks(self.stem(self.stem_pad(x))))
            x = self.dropout(self.pool(x).flatten(1))
            x = self.dequant(self.logits(x))
            return torch.softmax(x, dim=1)

        def fuse(self):
            groups = []
            for name, m in self.named_modules():
                if isinstance(m, nn.Sequential) and len(m) >= 2 and isinstance(m[0], nn.Conv2d):
                    groups.append([f'{name}.0', f'{name}.1'] + ([f'{name}.2'] if len(m) == 3 else []))
            return groups

    def build(name):
        model = SeedCnn() if name == 'seedCnn' else MobileNetV2Style()
        with torch.no_grad():  # random BN statistics, so that folding is not a no-op
            for m in model.modules():
                if isinstance(m, nn.BatchNorm2d):
                    m.running_mean.uniform_(-0.1, 0.1)
                    m.running_var.uniform_(0.5, 1.5)
                    m.weight.uniform_(0.5, 1.5)
                    m.bias.uniform_(-0.1, 0.1)
        return model.eval()

    input_shape = {'seedCnn': (1, 28, 28), 'mobileNetV2': (3, 96, 96)}

    def quantize(name, engine):
        torch.backends.quantized.engine = engine
        model = build(name)
        for parent in list(model.modules()):
            for child_name, child in parent.named_children():
                if isinstance(child, Act):
                    setattr(parent, child_name, nn.ReLU())
        model.eval()
        model = tq.fuse_modules(model, model.fuse())
        model.qconfig = tq.get_default_qconfig(engine)
        prepared = tq.prepare(model)
        with torch.no_grad():
            for i in range(args.calib_batches):
                prepared(torch.rand(32, *input_shape[name]))
        return tq.convert(prepared)

    def layout(model, memory_format):
        return model.to(memory_format=torch.channels_last) if memory_format == 'channels_last' else model

    def time_calls(fn):
        p = protocol
        t_start = time.perf_counter()
        for _ in range(p['warmup']):
            fn()
            if time.perf_counter() - t_start >= p['maxWarmupSec']:
                break
        out = []
        t_start = time.perf_counter()
        while len(out) < p['runs'] and (len(out) < p['minRuns'] or time.perf_counter() - t_start < p['maxSec']):
            t0 = time.perf_counter()
            fn()
            out.append((time.perf_counter() - t0) * 1e3)
        return out

    def p95(xs):
        s = sorted(xs)
        return s[min(len(s), max(1, math.ceil(0.95 * len(s)))) - 1]

    def median(xs):
        s = sorted(xs)
        n = len(s)
        return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2

    engines = [e for e in args.engines.split(',') if e]
    supported = list(torch.backends.quantized.supported_engines)
    info = {
        'torch': torch.__version__,
        'threads': torch.get_num_threads(),
        'engines': ','.join(e for e in supported if e != 'none'),
        'mkldnn': bool(torch.backends.mkldnn.is_available()),
        'blas': next((kv.split('=')[1] for kv in torch.__config__.show().replace(',', ' ').split() if kv.startswith('BLAS_INFO=')), '?'),
        'cpu': next((l.split(':')[1].strip() for l in torch.__config__.show().splitlines() if 'CPU capability' in l), '?'),
        'layouts': f'fp32 {args.fp32_layout}, int8 {args.int8_layout}',
    }
    not_run = {}
    cells = []
    for name in args.models.split(','):
        variants = [('fp32', None, layout(build(name), args.fp32_layout))]
        for engine in engines:
            if engine not in supported:
                not_run[f'int8-{engine}'] = f'engine {engine} not in this torch build (supported: {", ".join(supported)})'
                continue
            try:
                variants.append((f'int8-{engine}', engine, layout(quantize(name, engine), args.int8_layout)))
            except Exception as e:  # noqa: BLE001 - report, keep the other variants
                not_run[f'int8-{engine}'] = f'{name}: {type(e).__name__}: {e}'.splitlines()[0]
        for batch in [int(b) for b in args.batches.split(',')]:
            x_nchw = torch.rand(batch, *input_shape[name])
            x_cl = x_nchw.contiguous(memory_format=torch.channels_last)
            for variant, engine, model in variants:
                x = x_cl if (args.int8_layout if engine else args.fp32_layout) == 'channels_last' else x_nchw
                if engine:
                    torch.backends.quantized.engine = engine
                try:
                    with torch.inference_mode():
                        ms = time_calls(lambda: model(x))
                except Exception as e:  # noqa: BLE001
                    not_run[variant] = f'{name} b{batch}: {type(e).__name__}: {e}'.splitlines()[0]
                    continue
                cells.append({'model': name, 'batch': batch, 'threads': args.threads, 'variant': variant, 'engine': engine or 'fp32',
                              'msPerCall': ms, 'median': median(ms), 'p95': p95(ms)})
    json.dump({'info': info, 'cells': cells, 'notRun': not_run}, sys.stdout)
    print()


if __name__ == '__main__':
    main()
