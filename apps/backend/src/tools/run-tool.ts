import { z } from 'zod';
import type { Db } from '../db/client';
import { observedRun } from '../observability/tools';
import type { TaskTool, ToolResult } from './task-tools';

/** The model's raw argument text is refused beyond this (a title and description fit many times over). */
export const MAX_TOOL_ARGUMENT_CHARS = 16_384;

export type ParsedArguments = { ok: true; args: unknown } | { ok: false; text: string };

/**
 * Reads the model's argument text with the tool's own schema. A problem comes back as a sentence the
 * model can act on (it is sent back as the tool's result), never as an exception.
 */
export function parseToolArguments(tool: TaskTool, raw: string): ParsedArguments {
  if (raw.length > MAX_TOOL_ARGUMENT_CHARS) {
    return { ok: false, text: `❌ ${tool.name} was not run: its arguments are longer than ${MAX_TOOL_ARGUMENT_CHARS} characters` };
  }
  let json: unknown;
  try {
    json = raw.trim() === '' ? {} : JSON.parse(raw);
  } catch {
    return { ok: false, text: `❌ ${tool.name} was not run: its arguments are not valid JSON; send a JSON object` };
  }
  const parsed = tool.parameters.safeParse(json);
  if (!parsed.success) {
    return { ok: false, text: `❌ ${tool.name} was not run: invalid arguments: ${z.prettifyError(parsed.error).replace(/\n/g, '; ')}` };
  }
  // The limits (a title's length, an id's range) are the schema's, as REST checks them: refused here, the tool does not run.
  const problem = tool.check(parsed.data);
  if (problem) return { ok: false, text: `❌ ${tool.name} was not run: invalid arguments: ${problem}` };
  return { ok: true, args: parsed.data };
}

/** PostgreSQL error codes a model's argument can cause, and what to tell the model instead of the SQL. */
const ARGUMENT_PROBLEMS: Record<string, string> = {
  '22003': 'a number in the arguments is out of range',
  '22001': 'a text in the arguments is too long',
  '22021': 'a text in the arguments is not valid UTF-8',
  '22P05': 'a text in the arguments contains a character the database cannot store',
};

function databaseCode(error: unknown): string | undefined {
  for (let current = error; current instanceof Error; current = current.cause) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

export interface ToolFailureLog {
  /** A line without the failure's text (that may hold SQL and user ids), for warn level. */
  warn(message: string): void;
  /** The failure itself, for debug level. */
  debug(details: Record<string, unknown>, message: string): void;
}

export class ToolRunError extends Error {
  constructor(readonly result: ToolResult, cause: unknown) {
    super(result.text, { cause });
    this.name = 'ToolRunError';
  }
}

/**
 * Runs a tool; a failure inside it (the database refused the write) becomes a ToolRunError whose result
 * says what went wrong in words, without SQL, ids or stack.
 */
export async function runTool(tool: TaskTool, db: Db, userId: string, args: unknown, log: ToolFailureLog): Promise<ToolResult> {
  try {
    return await observedRun(tool, () => tool.run(db, userId, args as never));
  } catch (error) {
    const code = databaseCode(error);
    const problem = (code && ARGUMENT_PROBLEMS[code]) ?? 'the server could not complete it; nothing was changed, try again later';
    log.warn(`tool ${tool.name} failed${code ? ` (database code ${code})` : ''}`);
    log.debug({ err: error }, `tool ${tool.name} failure`);
    throw new ToolRunError({ ok: false, text: `❌ ${tool.name} failed: ${problem}` }, error);
  }
}
