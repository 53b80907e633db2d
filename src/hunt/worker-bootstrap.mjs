// Worker threads start as plain Node: register tsx here, then load the TypeScript worker.
// (The main thread's `--import tsx` does not carry over to workers on Node 20.)
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
