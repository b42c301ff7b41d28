"""PyTorch peer of the seedCnn training-epoch benchmark (run by src/peers/pytorch.ts).

Same model, recipe and samples as the tfjs run: the MNIST training split exported
by the benchmark from @lite/core's loadMnist() (already normalised), float32
images [count, 28, 28, 1] then uint8 labels [count], raw little-endian.
Prints one JSON object on stdout: {"info": {...}, "epochSecs": [...]}.
"""
import argparse
import json
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class SeedCnn(nn.Module):
    # conv 10@5x5 relu, maxpool 2, conv 20@5x5 relu, maxpool 2, fc 50 relu, fc 10 (logits)
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 10, 5)
        self.conv2 = nn.Conv2d(10, 20, 5)
        self.fc1 = nn.Linear(320, 50)
        self.fc2 = nn.Linear(50, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = F.relu(self.fc1(torch.flatten(x, 1)))
        return self.fc2(x)


def load(path, count):
    raw = np.fromfile(path, dtype=np.uint8)
    want = count * 784 * 4 + count
    if raw.size != want:
        sys.exit(f"{path}: {raw.size} bytes, expected {want} for {count} samples")
    images = raw[: count * 784 * 4].view("<f4").reshape(count, 1, 28, 28)  # NHWC with C=1 is NCHW
    labels = raw[count * 784 * 4 :].astype(np.int64)
    return torch.from_numpy(images.copy()), torch.from_numpy(labels)


def run_epoch(model, opt, images, labels, batch, gen, limit=None):
    order = torch.randperm(images.shape[0], generator=gen)
    if limit is not None:
        order = order[:limit]
    model.train()
    total = 0.0
    for start in range(0, order.numel(), batch):
        idx = order[start : start + batch]
        opt.zero_grad()
        loss = F.cross_entropy(model(images[idx]), labels[idx])
        loss.backward()
        opt.step()
        total += loss.item() * idx.numel()  # read every batch, as the tfjs trainer does
    return total / order.numel()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", required=True)
    p.add_argument("--count", type=int, required=True)
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--lr", type=float, default=0.01)
    p.add_argument("--momentum", type=float, default=0.5)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--warmup-batches", type=int, default=2)
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args()

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    gen = torch.Generator().manual_seed(a.seed)
    images, labels = load(a.data, a.count)
    model = SeedCnn()
    opt = torch.optim.SGD(model.parameters(), lr=a.lr, momentum=a.momentum)

    # warm-up on a few batches (allocator, oneDNN primitive caches)
    run_epoch(model, opt, images, labels, a.batch, gen, limit=a.warmup_batches * a.batch)
    secs, losses = [], []
    for _ in range(a.epochs):
        t0 = time.perf_counter()
        losses.append(run_epoch(model, opt, images, labels, a.batch, gen))
        secs.append(time.perf_counter() - t0)
    info = {"torch": torch.__version__, "threads": torch.get_num_threads(), "lastEpochLoss": losses[-1]}
    print(json.dumps({"info": info, "epochSecs": secs}))


if __name__ == "__main__":
    main()
