import { inSpan, SpanKind } from '@todo/observability';
import type { TaskTool } from '../tools/task-tools';
import { toolInvocations } from './metrics';

/**
 * The tool with each run counted in `todo_tool_invocations_total` by outcome (ok; refused: the tool
 * answered with an error text, such as an unknown task; error: it threw) and, with tracing on, an
 * `execute_tool <name>` span.
 */
export function observedTool<T extends TaskTool>(tool: T): T {
  return {
    ...tool,
    run: (db, userId, args) =>
      inSpan(`execute_tool ${tool.name}`, SpanKind.INTERNAL, { 'gen_ai.tool.name': tool.name }, async (span) => {
        try {
          const result = await tool.run(db, userId, args);
          toolInvocations.inc({ tool: tool.name, outcome: result.ok ? 'ok' : 'refused' });
          span.setAttribute('todo.tool.outcome', result.ok ? 'ok' : 'refused');
          return result;
        } catch (error) {
          toolInvocations.inc({ tool: tool.name, outcome: 'error' });
          throw error;
        }
      }),
  };
}
