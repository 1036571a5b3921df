/** `@azure/functions-core` for jest's moduleNameMapper: the same object the host's require hook provides. */
export = (require('./functions-core-shim') as typeof import('./functions-core-shim')).functionsCore;
