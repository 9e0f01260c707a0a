# bench/peers-python.py: the PyTorch and scikit-learn peers of `npm run bench`, one peer per process.
#
# Usage: python3 peers-python.py <workdir> <torch|sklearn>
#
# <workdir> is written by bench/peers-python.ts and holds:
#   spec.json  {"n", "features", "classes", "layers", "optimizer" ('sgd' | 'momentum' | 'adam'),
#               "learningRate", "batch", "torchThreads", "minSeconds", "repeats", "warmupSeconds", "seed"}
#   x.bin      float32, row-major n x features (already standardised)
#   y.bin      float32, n labels (0/1 for one output, class indices for a softmax)
#
# The script trains the workload's model with the chosen library and prints one JSON line on
# stdout: {"peer", "ok": true, "impl", "version", "measurement": {...}} where the measurement
# has the fields of bench/timing.ts (examplesPerSec, usPerStep, epochsPerRepeat, repeatSeconds,
# repeatCpuSeconds, cpuUsPerStep), or {"peer", "ok": false, "reason"}.
#
# Timing follows bench/timing.ts: an untimed warm-up, repeats sized to whole epochs lasting at
# least minSeconds (resized and restarted at most twice if one comes in short), the median
# repeat reported. CPU seconds are the whole process's (all threads).
#
# Thread settings (OPENBLAS_CORETYPE, OPENBLAS_NUM_THREADS, OMP_NUM_THREADS, OMP_WAIT_POLICY)
# come from the environment the TypeScript side sets; this script only passes `torchThreads` to
# torch.set_num_threads (PyTorch's intra-op pool; OpenBLAS keeps its own thread count).
import json
import os
import sys
import time
import warnings

import numpy as np


def measure(run, examples_per_epoch, steps_per_epoch, min_seconds=0.3, repeats=3, warmup=0.15):
    """Times run(epochs) like bench/timing.ts and returns its Measurement record."""
    epochs, spent, per_epoch = 1, 0.0, float('inf')
    while spent < warmup:
        t0 = time.perf_counter()
        run(epochs)
        dt = time.perf_counter() - t0
        spent += dt
        per_epoch = dt / epochs
        if spent < warmup:
            epochs = max(epochs * 2, int(np.ceil((warmup - spent) / per_epoch / 2)))
    per_repeat = max(1, int(np.ceil(min_seconds * 1.1 / per_epoch)))
    walls, cpus, restarts = [], [], 0
    while len(walls) < repeats:
        c0, t0 = time.process_time(), time.perf_counter()
        run(per_repeat)
        dt, dc = time.perf_counter() - t0, time.process_time() - c0
        if dt < 0.9 * min_seconds and restarts < 2:
            restarts += 1
            walls, cpus = [], []
            per_repeat = int(np.ceil(per_repeat * min(8.0, min_seconds * 1.1 / dt)))
            continue
        walls.append(dt)
        cpus.append(dc)
    wall, cpu = float(np.median(walls)), float(np.median(cpus))
    steps = per_repeat * steps_per_epoch
    return {
        'examplesPerSec': per_repeat * examples_per_epoch / wall,
        'usPerStep': wall / steps * 1e6,
        'epochsPerRepeat': per_repeat,
        'repeatSeconds': walls,
        'repeatCpuSeconds': cpus,
        'cpuUsPerStep': cpu / steps * 1e6,
    }


def torch_runner(spec, x, y):
    """PyTorch: nn.Sequential of Linear/ReLU, Glorot-uniform weights, zero biases, a plain loop."""
    import torch
    from torch import nn

    torch.set_num_threads(spec['torchThreads'])
    torch.manual_seed(spec['seed'])
    layers = spec['layers']
    mods = []
    for i in range(1, len(layers)):
        lin = nn.Linear(layers[i - 1], layers[i])
        nn.init.xavier_uniform_(lin.weight)
        nn.init.zeros_(lin.bias)
        mods.append(lin)
        if i < len(layers) - 1:
            mods.append(nn.ReLU())
    model = nn.Sequential(*mods)

    X = torch.from_numpy(x)
    if spec['classes'] > 1:
        Y = torch.from_numpy(y.astype(np.int64))
        loss_fn = nn.CrossEntropyLoss()
    else:
        Y = torch.from_numpy(y).reshape(-1, 1)
        loss_fn = nn.BCEWithLogitsLoss()

    lr = spec['learningRate']
    if spec['optimizer'] == 'adam':
        opt = torch.optim.Adam(model.parameters(), lr=lr, betas=(0.9, 0.999), eps=1e-8)
    else:
        opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9 if spec['optimizer'] == 'momentum' else 0.0)

    n, batch = spec['n'], spec['batch']
    gen = torch.Generator().manual_seed(spec['seed'])

    def run(epochs):
        # One gather per epoch (rows in a fresh random order), then contiguous slices per step:
        # no DataLoader, no per-step index_select, no loss read back.
        for _ in range(epochs):
            perm = torch.randperm(n, generator=gen)
            xs, ys = X[perm], Y[perm]
            for s in range(0, n, batch):
                opt.zero_grad(set_to_none=True)
                loss = loss_fn(model(xs[s:s + batch]), ys[s:s + batch])
                loss.backward()
                opt.step()

    return run, 'torch', torch.__version__


def sklearn_runner(spec, x, y):
    """scikit-learn: SGDClassifier at batch 1 of logistic regression, MLPClassifier otherwise."""
    import sklearn
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import SGDClassifier
    from sklearn.neural_network import MLPClassifier

    warnings.filterwarnings('ignore', category=ConvergenceWarning)
    layers, lr, batch = spec['layers'], spec['learningRate'], spec['batch']
    labels = y.astype(np.int64)
    if len(layers) == 2 and batch == 1 and spec['optimizer'] == 'sgd':
        # The per-example specialist: plain SGD on the log loss, constant step, no penalty.
        # warm_start keeps the weights between calls; tol=None runs exactly max_iter epochs.
        model = SGDClassifier(loss='log_loss', penalty=None, alpha=0.0, learning_rate='constant', eta0=lr,
                              shuffle=True, tol=None, warm_start=True, random_state=spec['seed'])
        impl = 'SGDClassifier'
    else:
        # hidden_layer_sizes=() is logistic (or softmax) regression in MLPClassifier.
        common = dict(hidden_layer_sizes=tuple(layers[1:-1]), activation='relu', alpha=0.0, batch_size=batch,
                      learning_rate_init=lr, shuffle=True, tol=0.0, n_iter_no_change=10**9,
                      early_stopping=False, warm_start=True, random_state=spec['seed'])
        if spec['optimizer'] == 'adam':
            model = MLPClassifier(solver='adam', beta_1=0.9, beta_2=0.999, epsilon=1e-8, **common)
        else:
            momentum = 0.9 if spec['optimizer'] == 'momentum' else 0.0
            model = MLPClassifier(solver='sgd', learning_rate='constant', momentum=momentum,
                                  nesterovs_momentum=False, **common)
        impl = 'MLPClassifier'

    def run(epochs):
        # One fit call trains `epochs` whole epochs in scikit-learn's own loop (reshuffle, batches,
        # updates, its per-epoch loss bookkeeping); warm_start continues from the last weights.
        # Input validation runs once per call, so once per timed repeat.
        model.set_params(max_iter=epochs)
        model.fit(x, labels)

    return run, impl, sklearn.__version__


def main():
    workdir, peer = sys.argv[1], sys.argv[2]
    with open(os.path.join(workdir, 'spec.json')) as f:
        spec = json.load(f)
    n, d = spec['n'], spec['features']
    x = np.fromfile(os.path.join(workdir, 'x.bin'), dtype=np.float32).reshape(n, d)
    y = np.fromfile(os.path.join(workdir, 'y.bin'), dtype=np.float32)
    try:
        make = torch_runner if peer == 'torch' else sklearn_runner
        run, impl, version = make(spec, x, y)
    except ImportError as e:
        print(json.dumps({'peer': peer, 'ok': False, 'reason': f'cannot import: {e}'}))
        return
    steps = -(-n // spec['batch'])
    m = measure(run, n, steps, spec['minSeconds'], spec['repeats'], spec['warmupSeconds'])
    print(json.dumps({'peer': peer, 'ok': True, 'impl': impl, 'version': version, 'measurement': m}))


if __name__ == '__main__':
    main()
