import { inSpan, SpanKind } from '@todo/observability';
import type { TaskTool, ToolResult } from '../tools/task-tools';
import { toolInvocations } from './metrics';

/**
 * One run of the tool, counted in `todo_tool_invocations_total` by outcome (ok; refused: the tool
 * answered with an error text, such as an unknown task; error: it threw) and, with tracing on, in an
 * `execute_tool <name>` span. runTool (the chat agent's and the MCP server's one way to run a tool) calls it.
 */
export function observedRun(tool: TaskTool, run: () => Promise<ToolResult>): Promise<ToolResult> {
  return inSpan(`execute_tool ${tool.name}`, SpanKind.INTERNAL, { 'gen_ai.tool.name': tool.name }, async (span) => {
    try {
      const result = await run();
      toolInvocations.inc({ tool: tool.name, outcome: result.ok ? 'ok' : 'refused' });
      span.setAttribute('todo.tool.outcome', result.ok ? 'ok' : 'refused');
      return result;
    } catch (error) {
      toolInvocations.inc({ tool: tool.name, outcome: 'error' });
      throw error;
    }
  });
}
