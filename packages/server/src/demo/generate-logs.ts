/**
 * Log records as the services' logging libraries would emit them through the OTel log bridge:
 * severity numbers per the data model, severity texts as each runtime spells its levels, and
 * trace context when logged inside a span.
 */
import type { Attributes, LogRecord } from '../otlp/encode.js';
import { msToUnixNano } from './time.js';
import type { Language } from './topology.js';
import type { Prng } from './prng.js';
import type { ExceptionInfo } from './failures.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const SEVERITY_NUMBER: Readonly<Record<LogLevel, number>> = {
  debug: 5,
  info: 9,
  warn: 13,
  error: 17,
};

const SEVERITY_TEXT: Readonly<Record<Language, Readonly<Record<LogLevel, string>>>> = {
  // pino's level labels
  nodejs: { debug: 'debug', info: 'info', warn: 'warn', error: 'error' },
  // log/slog
  go: { debug: 'DEBUG', info: 'INFO', warn: 'WARN', error: 'ERROR' },
  // logback
  java: { debug: 'DEBUG', info: 'INFO', warn: 'WARN', error: 'ERROR' },
  // the logging module
  python: { debug: 'DEBUG', info: 'INFO', warn: 'WARNING', error: 'ERROR' },
  // Microsoft.Extensions.Logging
  dotnet: { debug: 'Debug', info: 'Information', warn: 'Warning', error: 'Error' },
};

export function severityNumber(level: LogLevel): number {
  return SEVERITY_NUMBER[level];
}

export function severityText(language: Language, level: LogLevel): string {
  return SEVERITY_TEXT[language][level];
}

export interface LogContext {
  traceId: string;
  spanId: string;
}

export function buildLogRecord(
  rng: Prng,
  language: Language,
  timeUnixMs: number,
  level: LogLevel,
  body: string,
  attributes: Attributes,
  context: LogContext | undefined,
): LogRecord {
  // The collector / SDK sees the record a little after the application wrote it.
  const observedUnixMs = timeUnixMs + rng.logNormal(2, 0.6);
  const record: LogRecord = {
    timeUnixNano: msToUnixNano(timeUnixMs),
    observedTimeUnixNano: msToUnixNano(observedUnixMs),
    severityNumber: SEVERITY_NUMBER[level],
    severityText: SEVERITY_TEXT[language][level],
    body,
    attributes,
  };
  if (context !== undefined) {
    record.traceId = context.traceId;
    record.spanId = context.spanId;
    record.flags = 1;
  }
  return record;
}

export function exceptionAttributes(exception: ExceptionInfo): Attributes {
  return {
    'exception.type': exception.type,
    'exception.message': exception.message,
    'exception.stacktrace': exception.stacktrace,
  };
}

/** The "request completed" line of an HTTP server's access log. */
export function accessLogBody(
  language: Language,
  method: string,
  path: string,
  status: number,
  durationMs: number,
): string {
  const ms = durationMs.toFixed(1);
  switch (language) {
    case 'nodejs':
      return 'request completed';
    case 'dotnet':
      return `Request finished HTTP/1.1 ${method} http://${path} - ${status} - ${ms}ms`;
    default:
      return `${method} ${path} ${status} ${ms}ms`;
  }
}

/** A slow-query warning: the statement, shortened the way logging libraries do. */
export function slowQueryBody(sql: string, durationMs: number): string {
  const text = sql.length > 120 ? `${sql.slice(0, 117)}...` : sql;
  return `slow query (${Math.round(durationMs)} ms): ${text}`;
}
