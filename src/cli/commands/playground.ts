// `minibatch playground`: serves the in-browser playground (stochastic, mini-batch and batch GD side by side).
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import sirv from 'sirv';
import { MinibatchError } from '../../core/errors.js';
import { srcUrl } from '../../platform/node/entries.js';
import { parseIntArg } from '../numbers.js';
import { EXIT, runCommand } from '../run-command.js';
import { listen, untilInterrupted } from '../serve/listen.js';

interface PlaygroundOpts { port: string; host: string }

/** The built page's folder (dist/src/cli/playground/, made by scripts/build-playground.mjs). */
export const PLAYGROUND_DIR = fileURLToPath(srcUrl('cli/playground/'));

export function registerPlayground(program: Command): void {
  program.command('playground')
    .description('watch stochastic, mini-batch and batch gradient descent learn side by side, in your browser')
    .option('--port <n>', 'port to serve on (0 picks a free one)', '0')
    .option('--host <address>', 'address to listen on (another machine can connect if you give 0.0.0.0)', '127.0.0.1')
    .addHelpText('after', `
Serves one static page (no network needed): pick a data set (moons, blobs, linear, 300 MNIST
digits), a model and an optimizer, drag the batch size and the learning rate, and watch the
learning curves and the decision boundary. Stop with Ctrl-C.

Examples:
  minibatch playground                 # a free port; open the printed URL
  minibatch playground --port 8080`)
    .action((o: PlaygroundOpts) => runCommand(async () => {
      const port = parseIntArg('--port', o.port, 0, 65535);
      if (!existsSync(`${PLAYGROUND_DIR}index.html`)) {
        throw new MinibatchError('NOT_FOUND', `the playground page is missing from ${PLAYGROUND_DIR}; build it with npm run build (scripts/build-playground.mjs)`);
      }
      const serve = sirv(PLAYGROUND_DIR, { etag: true });
      const l = await listen((req, res) => serve(req, res, () => { res.writeHead(404); res.end('not found'); }), o.host, port, '--port');
      process.stderr.write(`Playground: ${l.url}\n(Ctrl-C to stop)\n`);
      await untilInterrupted();
      await l.close();
      process.exitCode = EXIT.interrupted;
    }));
}
