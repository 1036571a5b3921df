/** `@azure/functions-core` for jest's moduleNameMapper: the same object the host's require hook provides. */
import { functionsCore } from './functions-core-shim';

export = functionsCore;
