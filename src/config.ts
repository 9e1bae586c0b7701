/**
 * The only module that reads `process.env`. Everything else receives a typed config object,
 * so tests build configs directly and nothing depends on ambient state.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
// zod 4's classic API costs ~100 ms of CPU to load (95 modules), a quarter of a whole
// `storybot ask`; the v3 API it ships (`zod/v3`, a few modules) loads in ~20 ms and says the same.
import { z } from 'zod/v3';
import { UserFacingError } from './errors.js';

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v && v.trim() !== '' ? v.trim() : undefined));

/** Schema of every variable the project reads; defaults here are the documented defaults. */
const coreSchema = z.object({
  CORPUS_DIR: z.string().min(1).default('corpus'),
  INDEX_DIR: z.string().min(1).default('data/index'),
  CACHE_DIR: z.string().min(1).default('data/cache'),
  /** Compact word-vector table; shared by every index and cache on the machine (default `${CACHE_DIR}/wordvectors`). */
  WORD_VECTORS_DIR: optionalString,
  EMBEDDINGS_PROVIDER: z.enum(['local', 'openai']).default('local'),
  ANSWERER: z.enum(['extractive', 'openai']).default('extractive'),
  OPENAI_API_KEY: optionalString,
  OPENAI_BASE_URL: optionalString.pipe(
    z.string().url('must be a URL such as http://localhost:11434/v1').optional(),
  ),
  OPENAI_CHAT_MODEL: z.string().min(1).default('gpt-4o-mini'),
  OPENAI_EMBEDDINGS_MODEL: z.string().min(1).default('text-embedding-3-small'),
  OPENAI_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(20_000),
  CHUNK_SIZE: z.coerce.number().int().min(200).max(8_000).default(1_000),
  TOP_K: z.coerce.number().int().min(1).max(20).default(6),
  MAX_QUESTION_CHARS: z.coerce.number().int().min(20).max(10_000).default(1_000),
  /** State: a SQLite file path (default), or postgres://user:pass@host/db to share it between machines. */
  DATABASE_URL: z.string().min(1).default('data/storybot.db'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

/**
 * The bot's variables, built on first use: only the bot reads them, and building a zod schema
 * costs every other command's start-up time (~2 ms of a ~0.3 s `storybot ask`).
 */
function buildBotSchema() {
  const bool = z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .transform((v) => v === 'true' || v === '1' || v === 'yes');

  const idList = z
    .string()
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().regex(/^\d{5,25}$/, 'must be comma-separated Discord ids (digits)')));

  return z.object({
    DISCORD_TOKEN: z
      .string({ required_error: 'is required' })
      .min(50, 'does not look like a bot token')
      .regex(
        /^[\w-]+\.[\w-]+\.[\w-]+$/,
        'does not look like a bot token (three dot-separated parts)',
      ),
    DISCORD_CLIENT_ID: z
      .string({ required_error: 'is required' })
      .regex(/^\d{5,25}$/, 'must be the application id (digits)'),
    DISCORD_GUILD_ID: optionalString.pipe(
      z
        .string()
        .regex(/^\d{5,25}$/, 'must be a server id (digits)')
        .optional(),
    ),
    ADMIN_ROLE_IDS: idList.default(''),
    ADMIN_USER_IDS: idList.default(''),
    USER_COOLDOWN_SECONDS: z.coerce.number().min(0).max(3_600).default(5),
    GUILD_MAX_CONCURRENT: z.coerce.number().int().min(1).max(1_000).default(4),
    THREAD_PER_MENTION: bool.default('false'),
    SHARD_COUNT: z.union([z.literal('auto'), z.coerce.number().int().min(1).max(1_000)]).default(1),
    /** Feedback file of earlier versions: imported into the database once, then left alone. */
    FEEDBACK_FILE: z.string().min(1).default('data/feedback.jsonl'),
    /** Days question text is kept for /insights (a server can change it with /config); then only counts remain. */
    INSIGHTS_RETENTION_DAYS: z.coerce.number().int().min(1).max(3_650).default(30),
    /** Auto-replies per server per minute; questions past it are left for humans. */
    AUTO_REPLY_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(30),
    MAX_UPLOAD_BYTES: z.coerce.number().int().min(1_000).max(25_000_000).default(2_000_000),
    // A REST proxy in front of Discord (shared rate limits across shards); empty means Discord itself.
    DISCORD_API_URL: optionalString.pipe(
      z.string().url('must be a URL such as http://localhost:8080/api').optional(),
    ),
  });
}

let botSchema: ReturnType<typeof buildBotSchema> | undefined;

export type CoreConfig = z.infer<typeof coreSchema>;
export type BotConfig = CoreConfig & z.infer<ReturnType<typeof buildBotSchema>>;

const HINTS: Record<string, string> = {
  DISCORD_TOKEN:
    'copy it from the Discord developer portal (Bot → Reset Token) into .env; to try the bot without Discord run `npm run chat`',
  DISCORD_CLIENT_ID:
    'copy the Application ID from the developer portal (General Information) into .env',
  OPENAI_API_KEY: 'set it in .env, or use EMBEDDINGS_PROVIDER=local and ANSWERER=extractive',
};

/** Names a bad variable and how to fix it, without echoing its value (it may be a secret). */
function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const name = String(issue.path[0] ?? 'config');
      const hint = HINTS[name] ? ` (${HINTS[name]})` : '';
      return `- ${name}: ${issue.message}${hint}`;
    })
    .join('\n');
}

/** Thrown when the environment is invalid; its message is safe to print. */
export class ConfigError extends UserFacingError {}

function parseWith<T extends z.ZodTypeAny>(schema: T, env: NodeJS.ProcessEnv): z.infer<T> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      `Invalid configuration:\n${describeIssues(parsed.error)}\nSee .env.example for every variable and its default.`,
    );
  }
  return parsed.data;
}

function checkOpenAi(config: CoreConfig): void {
  const needsOpenAi = config.EMBEDDINGS_PROVIDER === 'openai' || config.ANSWERER === 'openai';
  // A local OpenAI-compatible server (Ollama, vLLM) usually takes any key, but the client needs one.
  if (needsOpenAi && !config.OPENAI_API_KEY && !config.OPENAI_BASE_URL) {
    throw new ConfigError(
      `Invalid configuration:\n- OPENAI_API_KEY: is required when EMBEDDINGS_PROVIDER or ANSWERER is "openai" (${HINTS.OPENAI_API_KEY})`,
    );
  }
}

/**
 * Whether dotenv has anything to do: a `.env` in the working directory (the file it reads by
 * default) or a `DOTENV_*` variable that points it elsewhere or changes what it does. Without
 * either, a run skips loading dotenv (~5 ms of a one-question CLI run).
 */
export function dotenvWanted(cwd: string, env: NodeJS.ProcessEnv): boolean {
  return (
    existsSync(path.resolve(cwd, '.env')) || Object.keys(env).some((k) => k.startsWith('DOTENV_'))
  );
}

let dotenvLoaded = false;
function withDotenv(env: NodeJS.ProcessEnv | undefined): NodeJS.ProcessEnv {
  if (env) return env;
  if (!dotenvLoaded) {
    if (dotenvWanted(process.cwd(), process.env)) {
      const dotenv = createRequire(import.meta.url)('dotenv') as typeof import('dotenv');
      dotenv.config({ quiet: true });
    }
    dotenvLoaded = true;
  }
  return process.env;
}

/** Reads the settings the RAG pipeline and CLI need. Pass `env` in tests. */
export function loadConfig(env?: NodeJS.ProcessEnv): CoreConfig {
  const config = parseWith(coreSchema, withDotenv(env));
  checkOpenAi(config);
  return config;
}

/** Reads the settings the Discord bot needs, on top of the core ones. */
export function loadBotConfig(env?: NodeJS.ProcessEnv): BotConfig {
  const source = withDotenv(env);
  const core = loadConfig(source);
  return { ...core, ...parseWith((botSchema ??= buildBotSchema()), source) };
}
