// Installs the Node platform (kernel host, text files, trial threads, sweep journal scope, the event-loop yield, the chart libraries' loader): imported first by src/index.ts, the CLI and worker entries.
import { setTextFiles } from '../../core/text-files.js';
import { setYieldToEventLoop } from '../../core/yield.js';
import { setTrialThreads } from '../../experiments/run/pool.js';
import { setJournalScope } from '../../experiments/run/sweep-journal.js';
import { setKernelHost } from '../../kernels/host.js';
import { installChartLibrary } from './chart-library.js';
import { nodeKernelHost } from './kernel-host.js';
import { nodeJournalScope } from './sweep-journal.js';
import { nodeTextFiles } from './text-files.js';
import { nodeTrialThreads } from './trial-threads.js';

setKernelHost(nodeKernelHost());
setTextFiles(nodeTextFiles);
setTrialThreads(nodeTrialThreads);
setJournalScope(nodeJournalScope);
installChartLibrary();
setYieldToEventLoop(() => new Promise((resolve) => setImmediate(resolve)));
