// Worker entry for ./verify-parallel.ts. Plain ESM so Node can start it without a TypeScript
// loader: it registers tsx in this thread, then loads the TypeScript worker body.
import { register } from 'tsx/esm/api';

register();
await import('./verify-worker-impl.ts');
