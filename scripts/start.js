#!/usr/bin/env node
// `npm start`: builds if needed, then runs the server (which migrates the database before serving).
'use strict';
process.env.DOTENV_CONFIG_QUIET = process.env.DOTENV_CONFIG_QUIET || 'true';
require(require('./ensure-build')('app/main.js'));
