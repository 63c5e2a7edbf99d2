// Worker threads do not inherit the TypeScript loader; this entry registers it, then runs hub-thread.ts.
import { register } from 'tsx/esm/api';

register();
await import('./hub-thread.ts');
