"""Child process of the sparse benchmark: scipy.sparse or torch.sparse CSR at one thread.

usage: sparse_python.py REQUEST_JSON scipy|torch SPARSITY
Prints {"info": ..., "timings": [{m, n, k, secPerCall: [...]}]} (the GemmReply of
benchmarks/src/peers/child.ts). Each peer gets its best formulation: the
weights transposed once into an N×K CSR matrix times the activations
transposed once (K×M), i.e. Yᵀ = Wᵀ·Xᵀ, CSR × dense (scipy's csr_matvecs,
torch's addmm on a sparse CSR tensor); the transposes are not timed.
"""
import json
import sys
import time

import numpy as np


def measure(fn, protocol):
    """Seconds per call, one per sample: benchmarks/src/timing.ts's protocol."""
    fn()
    t0 = time.perf_counter()
    fn()
    first = max(1e-9, time.perf_counter() - t0)
    calls = max(1, int(np.ceil(protocol["minSampleSec"] / first)))
    samples = max(1, min(protocol["samples"], int(protocol["maxTotalSec"] // (calls * first))))
    out = []
    for _ in range(samples):
        t0 = time.perf_counter()
        for _ in range(calls):
            fn()
        out.append((time.perf_counter() - t0) / calls)
    return out


def operands(m, n, k, sparsity):
    rng = np.random.default_rng(1)
    w = rng.uniform(-1, 1, (k, n)).astype(np.float32)
    w[rng.random((k, n)) < sparsity] = 0
    x = rng.uniform(-1, 1, (m, k)).astype(np.float32)
    return np.ascontiguousarray(w.T), np.ascontiguousarray(x.T)


def main():
    req = json.loads(sys.argv[1])
    engine = sys.argv[2]
    sparsity = float(sys.argv[3])
    if engine == "torch":
        import torch

        torch.set_num_threads(1)
        info = {"version": torch.__version__, "threads": torch.get_num_threads(), "format": "sparse_csr"}
    else:
        import scipy
        import scipy.sparse

        info = {"version": scipy.__version__, "threads": 1, "format": "csr_matrix"}
    timings = []
    for shape in req["shapes"]:
        m, n, k = shape["m"], shape["n"], shape["k"]
        wt, xt = operands(m, n, k, sparsity)
        if engine == "torch":
            a, b = torch.from_numpy(wt).to_sparse_csr(), torch.from_numpy(xt)
            fn = lambda: torch.mm(a, b)
        else:
            a, b = scipy.sparse.csr_matrix(wt), xt
            fn = lambda: a @ b
        timings.append({"m": m, "n": n, "k": k, "secPerCall": measure(fn, req["protocol"])})
    json.dump({"info": info, "timings": timings}, sys.stdout)


if __name__ == "__main__":
    main()
