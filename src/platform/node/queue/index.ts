// The public surface of distributed sweeps: the Redis executor for coordinators and the trial worker.
export { redisExecutor, type RedisExecutor, type RedisExecutorOptions } from './coordinator.js';
export { startTrialWorker, type TrialWorker, type TrialWorkerOptions } from './worker.js';
export { redactUrl } from './redis-url.js';
