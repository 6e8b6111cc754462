#!/usr/bin/env node
// `npm run cli -- <command>`: builds if needed, then runs the command line.
'use strict';
process.env.DOTENV_CONFIG_QUIET = process.env.DOTENV_CONFIG_QUIET || 'true';
require(require('./ensure-build')('app/cli.js'));
