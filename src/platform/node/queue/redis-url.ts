// Redis URLs: parsing redis:// and rediss:// into connection options, and redacting their passwords.
import type { ConnectionOptions as TlsOptions } from 'node:tls';
import type { RedisOptions } from 'ioredis';
import { MinibatchError } from '../../../core/errors.js';

/** A parsed Redis URL: options for ioredis and a display form without the password. */
export interface RedisTarget { options: RedisOptions; display: string }

/** The URL with any password replaced by `***` (also for strings that are not valid URLs). */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)([^@/]*)@/i, (_m, scheme: string, auth: string) => {
    const colon = auth.indexOf(':');
    return `${scheme}${colon < 0 ? (auth === '' ? '' : '***') : `${auth.slice(0, colon)}:***`}@`;
  });
}

/** Removes every occurrence of `secret` (and its URL-encoded form) from a text. */
export function redactSecret(text: string, secret: string | undefined): string {
  if (!secret) return text;
  return [secret, encodeURIComponent(secret)].reduce((t, s) => t.split(s).join('***'), text);
}

/**
 * Parses `redis://[user][:password]@host[:port][/db]` or `rediss://...` (TLS; `tls` options
 * such as `ca` or `rejectUnauthorized` are passed through to node:tls). Connections retry
 * for ever (every 0.2 s up to every 2 s), so workers and coordinators ride out a Redis restart.
 */
export function parseRedisUrl(url: string, tls?: TlsOptions): RedisTarget {
  const display = redactUrl(String(url));
  let u: URL;
  try { u = new URL(url); } catch {
    throw new MinibatchError('BAD_ARGUMENT', `the Redis URL must look like redis://[:password@]host[:port][/db] or rediss://..., got ${display}`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') {
    throw new MinibatchError('BAD_ARGUMENT', `the Redis URL must start with redis:// or rediss:// (TLS), got ${display}`);
  }
  const db = u.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d{1,2}$/.test(db)) throw new MinibatchError('BAD_ARGUMENT', `the Redis database in ${display} must be a number such as /0, got /${db}`);
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  const options: RedisOptions = {
    host, port: u.port ? Number(u.port) : 6379,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(db ? { db: Number(db) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: { servername: host, ...tls } } : tls ? { tls } : {}),
    maxRetriesPerRequest: null,
    retryStrategy: (times: number) => Math.min(200 * times, 2000),
  };
  return { options, display };
}
