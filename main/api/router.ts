import type { z } from 'zod';
import { CHANNELS, isChannel, type Channel, type ChannelResponses } from '../contract/channels';
import { fail, ok, type Result } from '../contract/result';
import { schemas, type ParsedRequestOf } from '../contract/schemas';
import type { Logger } from '../log/logger';
import { LatheFault } from './errors';

/** Who is calling: shown in the event log and used by permission checks. */
export interface CallContext {
  transport: 'ipc' | 'http' | 'ws' | 'cli' | 'sagemaker' | 'internal';
  actor: string;
}

export type Handler<C extends Channel> = (
  request: ParsedRequestOf<C>,
  context: CallContext,
) => ChannelResponses[C] | Promise<ChannelResponses[C]>;

export const INTERNAL_CONTEXT: CallContext = { transport: 'internal', actor: 'lathe' };

/** Renders zod issues as "field.path: what is wrong" so the person knows which field to fix. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .slice(0, 5)
    .map((issue) => {
      const path = issue.path.map(String).join('.');
      return `${path === '' ? 'payload' : path}: ${issue.message}`;
    })
    .join('; ');
}

/**
 * The single door into the core: schema parse → handler → Result, for every call on every
 * transport. Handlers throw LatheFault for expected failures; anything else is logged with its
 * stack and answered as `internal`.
 */
export class Router {
  private readonly handlers = new Map<Channel, Handler<Channel>>();

  constructor(private readonly logger: Logger) {}

  handle<C extends Channel>(channel: C, handler: Handler<C>): void {
    if (this.handlers.has(channel)) throw new Error(`a handler for ${channel} is already registered`);
    this.handlers.set(channel, handler as unknown as Handler<Channel>);
  }

  /** Channels of the contract that nothing handles: must be empty once the app is composed. */
  missingHandlers(): Channel[] {
    return CHANNELS.filter((channel) => !this.handlers.has(channel));
  }

  async call(channel: unknown, payload: unknown, context: CallContext = INTERNAL_CONTEXT): Promise<Result<unknown>> {
    if (!isChannel(channel)) {
      return fail('invalid-argument', `unknown channel ${JSON.stringify(String(channel)).slice(0, 80)}`);
    }
    const parsed = schemas[channel].safeParse(payload === undefined ? {} : payload);
    if (!parsed.success) {
      return fail('invalid-argument', `${channel}: ${describeIssues(parsed.error.issues)}`, {
        issues: parsed.error.issues.map((issue) => ({ path: issue.path.map(String), message: issue.message })),
      });
    }
    const handler = this.handlers.get(channel);
    if (!handler) return fail('unavailable', `${channel} is not available in this build of Lathe`);
    try {
      return ok(await handler(parsed.data as never, context));
    } catch (error) {
      if (error instanceof LatheFault) return fail(error.code, error.message, error.details);
      this.logger.error(`unexpected failure in ${channel}`, error);
      return fail('internal', `${channel} failed unexpectedly; the details are in Lathe's log`);
    }
  }

  /** Typed convenience for in-process callers (CLI with --home, tests, composition). */
  async invoke<C extends Channel>(channel: C, payload: unknown = {}, context?: CallContext): Promise<ChannelResponses[C]> {
    const result = await this.call(channel, payload, context);
    if (!result.ok) throw new LatheFault(result.error.code, result.error.message, result.error.details);
    return result.value as ChannelResponses[C];
  }
}
