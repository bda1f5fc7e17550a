import fs from 'node:fs';
import path from 'node:path';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(message: string, extra?: unknown): void;
  info(message: string, extra?: unknown): void;
  warn(message: string, extra?: unknown): void;
  error(message: string, extra?: unknown): void;
  child(scope: string): Logger;
}

export interface LogSinkOptions {
  /** Folder for lathe.log and its rotations; omit to keep logs in memory only (tests). */
  dir?: string;
  maxBytes?: number;
  maxFiles?: number;
  /** Also write warnings and errors to stderr (CLI). */
  echo?: boolean;
}

const TOKEN_PATTERNS: RegExp[] = [
  /(authorization:\s*bearer\s+)[^\s"',]+/gi,
  /(bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi,
  /([?&#](?:token|lathe_token)=)[^&\s"']+/gi,
  /((?:LATHE_TOKEN|JUPYTER_TOKEN|MLFLOW_TRACKING_TOKEN|AWS_SECRET_ACCESS_KEY)["']?\s*[=:]\s*["']?)[^\s"',&]+/g,
  /(lathe_token=)[^;\s]+/gi,
];

/** Removes every registered secret and anything shaped like a token from a log line. */
export function redact(text: string, secrets: Iterable<string> = []): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join('[redacted]');
  }
  for (const pattern of TOKEN_PATTERNS) out = out.replace(pattern, '$1[redacted]');
  return out;
}

function formatExtra(extra: unknown): string {
  if (extra === undefined) return '';
  if (extra instanceof Error) return `\n${extra.stack ?? `${extra.name}: ${extra.message}`}`;
  try {
    return ` ${JSON.stringify(extra)}`;
  } catch {
    return ` ${String(extra)}`;
  }
}

/**
 * Where log lines go: LATHE_HOME/logs/lathe.log, rotated by size (lathe.log.1 … .N), with every
 * registered secret redacted before it touches disk. Appends synchronously: lines are small and
 * rare, and a crash must not lose the line that explains it.
 */
export class LogSink {
  readonly lines: string[] = [];
  private readonly secrets = new Set<string>();
  private readonly file: string | null;
  private size = 0;
  private readonly maxBytes: number;
  private readonly maxFiles: number;

  constructor(private readonly options: LogSinkOptions = {}) {
    this.maxBytes = options.maxBytes ?? 5 * 1024 * 1024;
    this.maxFiles = options.maxFiles ?? 5;
    if (options.dir) {
      fs.mkdirSync(options.dir, { recursive: true });
      this.file = path.join(options.dir, 'lathe.log');
      this.size = fs.existsSync(this.file) ? fs.statSync(this.file).size : 0;
    } else {
      this.file = null;
    }
  }

  addSecret(secret: string): void {
    this.secrets.add(secret);
  }

  write(level: LogLevel, scope: string, message: string, extra?: unknown): void {
    const line = redact(`${new Date().toISOString()} ${level.toUpperCase()} [${scope}] ${message}${formatExtra(extra)}`, this.secrets);
    if (this.file) this.append(line + '\n');
    else {
      this.lines.push(line);
      if (this.lines.length > 2000) this.lines.splice(0, 1000);
    }
    if (this.options.echo && (level === 'warn' || level === 'error')) process.stderr.write(line + '\n');
  }

  private append(text: string): void {
    const file = this.file as string;
    try {
      if (this.size + text.length > this.maxBytes) this.rotate(file);
      fs.appendFileSync(file, text, { mode: 0o600 });
      this.size += Buffer.byteLength(text);
    } catch {
      // A full disk or a removed folder must not take the app down with it.
    }
  }

  private rotate(file: string): void {
    for (let i = this.maxFiles - 1; i >= 1; i--) {
      const from = i === 1 ? file : `${file}.${i - 1}`;
      if (fs.existsSync(from)) fs.renameSync(from, `${file}.${i}`);
    }
    this.size = 0;
  }
}

export function createLogger(scope: string, sink: LogSink = new LogSink()): Logger {
  const at = (level: LogLevel) => (message: string, extra?: unknown) => sink.write(level, scope, message, extra);
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (sub) => createLogger(`${scope}.${sub}`, sink),
  };
}
