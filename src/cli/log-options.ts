/**
 * The server's logger: JSON lines for machines (stdout not a terminal, or `--log-format json`) with
 * RFC 3339 timestamps; at a terminal, one readable line per request through pino-pretty.
 */
import type { FastifyServerOptions } from 'fastify';
import { stdTimeFunctions } from 'pino';
import { UsageError } from './cli-args.js';

export type LogFormat = 'json' | 'pretty';
const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function logFormatOf(raw: string | undefined, isTTY: boolean): LogFormat {
  if (raw === undefined) return isTTY ? 'pretty' : 'json';
  if (raw !== 'json' && raw !== 'pretty')
    throw new UsageError(`--log-format must be json or pretty, got ${raw}`);
  return raw;
}

/** pino-pretty is loaded only for a terminal: JSON output and the other commands never pay for it. */
export async function loggerOptions(
  level: string,
  format: LogFormat,
): Promise<FastifyServerOptions['logger']> {
  if (!LEVELS.includes(level))
    throw new UsageError(`--log-level must be one of ${LEVELS.join(', ')}, got ${level}`);
  if (format === 'json') return { level, timestamp: stdTimeFunctions.isoTime };
  const { default: pretty } = await import('pino-pretty');
  return {
    level,
    stream: pretty({
      colorize: process.stdout.isTTY === true,
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,hostname,traceId,method,url,status,code,durationMs',
      singleLine: true,
      messageFormat: (log, messageKey) =>
        log.method === undefined
          ? String(log[messageKey] ?? '')
          : `${log.method} ${log.url} ${log.status}${log.code ? ` ${log.code}` : ''} ${log.durationMs} ms`,
    }),
  };
}
