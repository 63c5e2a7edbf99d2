import { fileURLToPath } from 'node:url';

/** Absolute paths of the project's folders, independent of the directory a command is run from. */
export const PROJECT_ROOT = fileURLToPath(new URL('.', import.meta.url));
export const HANDLERS_DIR = fileURLToPath(new URL('./functions/handlers/', import.meta.url));
export const STATE_MACHINES_DIR = fileURLToPath(new URL('./statemachines/', import.meta.url));
