import OpenAI from 'openai';
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import type { ChatLimits, Config } from '../config';
import { fetchWithRequestContext } from '../observability/model';

/** One tool call as the model asked for it: the arguments are the model's raw JSON text. */
export interface RequestedToolCall {
  id: string;
  name: string;
  arguments: string;
}

/** Tokens the provider reported for one completion (asked for with stream_options.include_usage). */
export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
}

export interface ModelAnswer {
  text: string;
  toolCalls: RequestedToolCall[];
  /** Absent when the provider sent no usage chunk. */
  usage?: TokenUsage;
}

/** Why a model call gave no usable answer; each maps to one HTTP answer in the chat route. */
export type ProviderFailure = 'unavailable' | 'rejected' | 'malformed' | 'timeout' | 'aborted';

export class ProviderError extends Error {
  constructor(readonly reason: ProviderFailure, cause?: unknown) {
    super(`model call ${reason}${cause instanceof Error ? `: ${cause.name}: ${cause.message}` : ''}`, { cause });
    this.name = 'ProviderError';
  }
}

export interface ModelCall {
  messages: ChatCompletionMessageParam[];
  tools: ChatCompletionTool[];
  /** The turn's signal: aborted when the user stops or the turn budget is spent. */
  signal: AbortSignal;
  onText(delta: string): void;
}

export interface ModelClient {
  /** Streams one completion to `onText` and returns it whole; throws ProviderError. */
  complete(call: ModelCall): Promise<ModelAnswer>;
}

/** A reply longer than this is not a chat answer but a provider gone wrong. */
const MAX_ANSWER_CHARS = 100_000;

/**
 * An OpenAI-compatible chat-completions client that always streams. Each attempt has its own timeout
 * covering the whole response (the SDK's covers only the headers); an attempt that failed before it
 * streamed anything is retried up to `llmMaxRetries` times, a malformed answer never is.
 */
export function createModelClient(llm: NonNullable<Config['llm']>, limits: ChatLimits): ModelClient {
  // fetchWithRequestContext hands the chat request's x-request-id and trace context on to the provider.
  const client = new OpenAI({ apiKey: llm.apiKey, baseURL: llm.baseURL, maxRetries: 0, timeout: limits.llmTimeoutMs, fetch: fetchWithRequestContext });
  return {
    async complete(call) {
      for (let attempt = 0; ; attempt++) {
        let streamed = false;
        try {
          return await completeOnce(client, llm.model, limits.llmTimeoutMs, call, (delta) => {
            streamed = true;
            call.onText(delta);
          });
        } catch (error) {
          const failure = asProviderError(error, call.signal);
          const retryable = failure.reason === 'unavailable' || failure.reason === 'timeout';
          if (!retryable || streamed || attempt >= limits.llmMaxRetries || call.signal.aborted) throw failure;
        }
      }
    },
  };
}

async function completeOnce(
  client: OpenAI,
  model: string,
  timeoutMs: number,
  call: ModelCall,
  onText: (delta: string) => void,
): Promise<ModelAnswer> {
  const attemptTimeout = AbortSignal.timeout(timeoutMs);
  const signal = AbortSignal.any([call.signal, attemptTimeout]);
  const stream = await client.chat.completions.create(
    { model, messages: call.messages, tools: call.tools, stream: true, stream_options: { include_usage: true } },
    { signal },
  );
  let text = '';
  let finished = false;
  const calls = new Map<number, RequestedToolCall>();
  let usage: TokenUsage | undefined;
  for await (const chunk of stream) {
    if (!Array.isArray(chunk?.choices)) throw new ProviderError('malformed');
    if (chunk.usage) usage = { inputTokens: chunk.usage.prompt_tokens ?? 0, outputTokens: chunk.usage.completion_tokens ?? 0 };
    const [choice] = chunk.choices;
    if (!choice) continue; // a usage-only chunk
    const delta = choice.delta ?? {};
    if (typeof delta.content === 'string' && delta.content) {
      text += delta.content;
      onText(delta.content);
    }
    for (const part of delta.tool_calls ?? []) {
      const known = calls.get(part.index) ?? { id: '', name: '', arguments: '' };
      known.id ||= part.id ?? '';
      known.name += part.function?.name ?? '';
      known.arguments += part.function?.arguments ?? '';
      calls.set(part.index, known);
    }
    if (text.length + [...calls.values()].reduce((n, c) => n + c.arguments.length, 0) > MAX_ANSWER_CHARS) {
      throw new ProviderError('malformed');
    }
    if (choice.finish_reason) finished = true;
  }
  const toolCalls = [...calls.values()].map((c, i) => ({ ...c, id: c.id || `call_${i}` }));
  if (!finished && !text && toolCalls.length === 0) throw new ProviderError('malformed');
  return usage ? { text, toolCalls, usage } : { text, toolCalls };
}

function asProviderError(error: unknown, turn: AbortSignal): ProviderError {
  if (error instanceof ProviderError) return error;
  if (turn.aborted) return new ProviderError(turn.reason instanceof Error && turn.reason.name === 'TimeoutError' ? 'timeout' : 'aborted', error);
  if (error instanceof OpenAI.APIUserAbortError || error instanceof OpenAI.APIConnectionTimeoutError) return new ProviderError('timeout', error);
  if (error instanceof OpenAI.APIConnectionError) return new ProviderError('unavailable', error);
  if (error instanceof OpenAI.APIError) {
    const status = error.status ?? 0;
    return new ProviderError(status === 408 || status === 409 || status === 429 || status >= 500 ? 'unavailable' : 'rejected', error);
  }
  return new ProviderError('malformed', error); // a body the SDK could not read as a stream of chunks
}
