import type { Model, ModelRequest, ModelResponse } from '@openai/agents-core';
import { inSpan, outgoingTraceparent, REQUEST_ID_HEADER, SpanKind, TRACEPARENT_HEADER, type Span } from '@todo/observability';
import { modelCalls, modelTokens } from './metrics';
import { requestScope } from './request-scope';

interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
}

function recordUsage(model: string, span: Span, usage: TokenUsage | undefined): void {
  if (!usage) return;
  modelTokens.inc({ model, direction: 'input' }, usage.inputTokens);
  modelTokens.inc({ model, direction: 'output' }, usage.outputTokens);
  span.setAttributes({ 'gen_ai.usage.input_tokens': usage.inputTokens, 'gen_ai.usage.output_tokens': usage.outputTokens });
}

/**
 * The model with each call measured (`todo_model_call_duration_seconds`, `todo_model_tokens_total`) and,
 * with tracing on, a `chat <model>` client span (OpenTelemetry's GenAI naming) around the HTTP call.
 */
export function observedModel(inner: Model, model: string): Model {
  const attributes = { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': model, 'gen_ai.system': 'openai' };
  return {
    getResponse(request: ModelRequest): Promise<ModelResponse> {
      const stop = modelCalls.startTimer({ model });
      return inSpan(`chat ${model}`, SpanKind.CLIENT, attributes, async (span) => {
        try {
          const response = await inner.getResponse(request);
          stop({ outcome: 'ok' });
          recordUsage(model, span, response.usage);
          return response;
        } catch (error) {
          stop({ outcome: 'error' });
          throw error;
        }
      });
    },
    async *getStreamedResponse(request: ModelRequest) {
      const stop = modelCalls.startTimer({ model });
      let outcome = 'error';
      try {
        for await (const event of inner.getStreamedResponse(request)) {
          if (event.type === 'response_done') {
            outcome = 'ok';
            modelTokens.inc({ model, direction: 'input' }, event.response.usage.inputTokens);
            modelTokens.inc({ model, direction: 'output' }, event.response.usage.outputTokens);
          }
          yield event;
        }
      } finally {
        stop({ outcome });
      }
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
