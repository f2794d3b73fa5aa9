import { invalidArgument } from '@icd/core';
import type { ConnectionOptions } from 'bullmq';

/**
 * Redis connection options from a URL: `redis://[user:password@]host[:port][/db]` (`rediss://` for TLS).
 *
 * @example
 * ```ts
 * redisConnectionFromUrl('redis://:pw@queue.internal:6380/2'); // { host: 'queue.internal', port: 6380, password: 'pw', db: 2 }
 * ```
 */
export function redisConnectionFromUrl(url: string): ConnectionOptions {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    invalidArgument('redisConnectionFromUrl', 'url', 'a redis:// URL', url);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:')
    invalidArgument('redisConnectionFromUrl', 'url', 'a redis:// or rediss:// URL', url);
  const db = parsed.pathname.replace(/^\//, '');
  return {
    host: parsed.hostname || '127.0.0.1',
    port: parsed.port ? Number(parsed.port) : 6379,
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(db ? { db: Number(db) } : {}),
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}
