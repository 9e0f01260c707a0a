#!/usr/bin/env node
// The minibatch command: parses the command line and dispatches to a command.
import { VERSION } from '../core/version.js';

process.stdout.write(`minibatch ${VERSION}\n`);
