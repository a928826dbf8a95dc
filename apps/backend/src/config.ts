import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
export type JwtAlgorithm = 'HS256' | 'HS384' | 'HS512';

/** Everything the backend reads from its environment, validated once at start-up. */
export interface Config {
  nodeEnv: 'development' | 'production' | 'test';
  host: string;
  port: number;
  /** PostgreSQL URL; absent means the embedded PGlite database in `pgliteDataDir`. */
  databaseUrl?: string;
  pgliteDataDir: string;
  /** Pooled PostgreSQL connections per process; replicas × this must stay within the server's max_connections. */
  databasePoolMax: number;
  jwt: { secret: string; algorithm: JwtAlgorithm; expireDays: number; ephemeral: boolean };
  /** Absent when no key is configured: chat answers 503, everything else works. */
  llm?: { apiKey: string; baseURL?: string; model: string };
  /** How long a chat turn may take; the defaults keep a turn inside the frontend's CHAT_TIMEOUT_MS. */
  chat: ChatLimits;
  corsOrigins: string[];
  logLevel: LogLevel;
  shutdownDelayMs: number;
  rateLimit: { authPerMinute: number; chatPerMinute: number };
  trustProxy: boolean;
  /** Port of the Prometheus /metrics listener, apart from the API's port; 0 turns it off. */
  metricsPort: number;
  /** OTEL_EXPORTER_OTLP_ENDPOINT: with it, traces go there over OTLP/HTTP; without it tracing is off. */
  otlpEndpoint?: string;
}

export interface ChatLimits {
  /** One call to the model, from request to its last streamed byte. */
  llmTimeoutMs: number;
  /** Further attempts of a model call that failed before it streamed anything. */
  llmMaxRetries: number;
  /** The whole turn: every model call and tool run of one message. */
  turnBudgetMs: number;
  /** Model calls per message (each may ask for tools). */
  maxAgentTurns: number;
}

export class ConfigError extends Error {
  constructor(readonly variable: string, problem: string) {
    super(`invalid configuration: ${variable} ${problem}`);
  }
}

type Env = Record<string, string | undefined>;

const LOG_LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const JWT_ALGORITHMS: JwtAlgorithm[] = ['HS256', 'HS384', 'HS512'];
/** Pooled connections per backend process unless DATABASE_POOL_MAX says otherwise. */
export const DEFAULT_DATABASE_POOL_MAX = 10;
const OPENROUTER_BASE_URL = 'https://openrouter.ai/api/v1';

function text(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  if (!/^-?\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T, normalise = (s: string) => s): T {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  const value = normalise(raw) as T;
  if (!allowed.includes(value)) throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got "${raw}"`);
  return value;
}

function url(env: Env, name: string, protocols: string[]): string | undefined {
  const raw = text(env, name);
  if (raw === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, 'is not a valid URL');
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `must use ${protocols.join(' or ')} (got ${parsed.protocol})`);
  }
  return raw;
}

function corsOrigins(env: Env): string[] {
  const raw = text(env, 'BACKEND_CORS_ORIGINS');
  if (!raw) return [];
  const origins = raw.split(',').map((o) => o.trim()).filter(Boolean);
  for (const origin of origins) {
    if (origin === '*') throw new ConfigError('BACKEND_CORS_ORIGINS', 'must list explicit origins; "*" is not allowed');
    let parsed: URL;
    try {
      parsed = new URL(origin);
    } catch {
      throw new ConfigError('BACKEND_CORS_ORIGINS', `has an invalid origin "${origin}"`);
    }
    if (parsed.origin !== origin.replace(/\/$/, '')) {
      throw new ConfigError('BACKEND_CORS_ORIGINS', `entries must be bare origins like https://app.example.com, got "${origin}"`);
    }
  }
  return origins.map((o) => o.replace(/\/$/, ''));
}

function llm(env: Env): Config['llm'] {
  const openaiKey = text(env, 'OPENAI_API_KEY');
  const openrouterKey = text(env, 'OPENROUTER_API_KEY');
  const apiKey = openaiKey ?? openrouterKey;
  const baseURL = url(env, 'OPENAI_BASE_URL', ['http:', 'https:']) ?? (openaiKey ? undefined : openrouterKey ? OPENROUTER_BASE_URL : undefined);
  if (!apiKey) return undefined;
  const model = text(env, 'OPENAI_MODEL') ?? (baseURL === OPENROUTER_BASE_URL ? 'openai/gpt-oss-120b:free' : 'gpt-4o-mini');
  return { apiKey, baseURL, model };
}

function chatLimits(env: Env): ChatLimits {
  const limits = {
    llmTimeoutMs: integer(env, 'LLM_TIMEOUT_MS', 20_000, 1000, 600_000),
    llmMaxRetries: integer(env, 'LLM_MAX_RETRIES', 1, 0, 5),
    turnBudgetMs: integer(env, 'CHAT_TURN_BUDGET_MS', 45_000, 1000, 600_000),
    maxAgentTurns: integer(env, 'CHAT_MAX_AGENT_TURNS', 10, 1, 50),
  };
  if (limits.llmTimeoutMs > limits.turnBudgetMs) {
    throw new ConfigError('LLM_TIMEOUT_MS', `(${limits.llmTimeoutMs}) must not exceed CHAT_TURN_BUDGET_MS (${limits.turnBudgetMs})`);
  }
  return limits;
}

/**
 * Reads and validates the environment; throws a ConfigError naming the first bad variable.
 * `migrate` needs only the database: it signs no token, so it runs without JWT_SECRET_KEY even in production
 * (the chart's migration Job gets DATABASE_URL alone).
 */
export function loadConfig(env: Env = process.env, { command = 'serve' }: { command?: 'serve' | 'migrate' } = {}): Config {
  const nodeEnv = oneOf(env, 'NODE_ENV', ['development', 'production', 'test'] as const, 'development');
  const secret = text(env, 'JWT_SECRET_KEY');
  if (!secret && nodeEnv === 'production' && command === 'serve') throw new ConfigError('JWT_SECRET_KEY', 'is required when NODE_ENV=production');
  return {
    nodeEnv,
    host: text(env, 'HOST') ?? '0.0.0.0',
    port: integer(env, 'PORT', 8000, 0, 65535),
    databaseUrl: url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']),
    pgliteDataDir: text(env, 'PGLITE_DATA_DIR') ?? join(tmpdir(), 'todo-app', 'pglite'),
    databasePoolMax: integer(env, 'DATABASE_POOL_MAX', DEFAULT_DATABASE_POOL_MAX, 1, 1000),
    jwt: {
      secret: secret ?? randomBytes(32).toString('base64url'),
      algorithm: oneOf(env, 'JWT_ALGORITHM', JWT_ALGORITHMS, 'HS256', (s) => s.toUpperCase()),
      expireDays: integer(env, 'ACCESS_TOKEN_EXPIRE_DAYS', 7, 1, 365),
      ephemeral: !secret,
    },
    llm: llm(env),
    chat: chatLimits(env),
    corsOrigins: corsOrigins(env),
    logLevel: oneOf(env, 'LOG_LEVEL', LOG_LEVELS, 'info', (s) => s.toLowerCase()),
    shutdownDelayMs: integer(env, 'SHUTDOWN_DELAY_MS', nodeEnv === 'production' ? 5000 : 0, 0, 120_000),
    rateLimit: {
      authPerMinute: integer(env, 'RATE_LIMIT_AUTH_PER_MINUTE', 10, 1, 1_000_000),
      chatPerMinute: integer(env, 'RATE_LIMIT_CHAT_PER_MINUTE', 20, 1, 1_000_000),
    },
    trustProxy: oneOf(env, 'TRUST_PROXY', ['true', 'false'] as const, 'false', (s) => s.toLowerCase()) === 'true',
    metricsPort: integer(env, 'METRICS_PORT', 9464, 0, 65535),
    otlpEndpoint: url(env, 'OTEL_EXPORTER_OTLP_ENDPOINT', ['http:', 'https:']),
  };
}
