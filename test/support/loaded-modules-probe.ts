import { writeFileSync } from 'node:fs';

/**
 * Preloaded into a host process (`NODE_OPTIONS=--require …`) by the deployment-package test: when the process ends,
 * it writes the files Node loaded (require's cache) to LOADED_MODULES_FILE as JSON.
 */
const target = process.env.LOADED_MODULES_FILE;
if (target) process.on('exit', () => writeFileSync(target, JSON.stringify(Object.keys(require.cache))));
