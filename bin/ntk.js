#!/usr/bin/env node
// The `ntk` command: runs the compiled CLI (built by `npm run build`, which `npm ci` runs through `prepare`).
import '../dist/src/cli/main.js';
