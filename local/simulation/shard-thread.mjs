// A worker thread does not inherit the parent's module hooks (Node 20), so it registers tsx itself before
// loading the TypeScript shard runner.
import { register } from 'tsx/esm/api';

register();
await import('./shard-worker.ts');
