import { inSpan, outgoingTraceparent, REQUEST_ID_HEADER, SpanKind, TRACEPARENT_HEADER } from '@todo/observability';
import type { ModelClient } from '../chat/provider';
import { modelCalls, modelTokens } from './metrics';
import { requestScope } from './request-scope';

/**
 * The model client with each call (its retries included) measured (`todo_model_call_duration_seconds`
 * by outcome, `todo_model_tokens_total` from the stream's usage chunk) and, with tracing on, a
 * `chat <model>` client span (OpenTelemetry's GenAI naming) around the HTTP calls.
 */
export function observedModel(inner: ModelClient, model: string): ModelClient {
  const attributes = { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': model, 'gen_ai.system': 'openai' };
  return {
    complete(call) {
      const stop = modelCalls.startTimer({ model });
      return inSpan(`chat ${model}`, SpanKind.CLIENT, attributes, async (span) => {
        try {
          const answer = await inner.complete(call);
          stop({ outcome: 'ok' });
          if (answer.usage) {
            modelTokens.inc({ model, direction: 'input' }, answer.usage.inputTokens);
            modelTokens.inc({ model, direction: 'output' }, answer.usage.outputTokens);
            span.setAttributes({ 'gen_ai.usage.input_tokens': answer.usage.inputTokens, 'gen_ai.usage.output_tokens': answer.usage.outputTokens });
          }
          return answer;
        } catch (error) {
          stop({ outcome: 'error' });
          throw error;
        }
      });
    },
  };
}

/**
 * fetch for the provider's client: adds the request's x-request-id and, with tracing off, its
 * traceparent (with tracing on, the fetch instrumentation sends the model span's own).
 */
export const fetchWithRequestContext: typeof fetch = (input, init) => {
  const scope = requestScope.getStore();
  if (!scope) return fetch(input, init);
  const headers = new Headers(init?.headers);
  headers.set(REQUEST_ID_HEADER, scope.requestId);
  const traceparent = outgoingTraceparent(scope.trace);
  if (traceparent) headers.set(TRACEPARENT_HEADER, traceparent);
  return fetch(input, { ...init, headers });
};
