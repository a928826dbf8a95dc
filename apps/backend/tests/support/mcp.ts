import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Account } from './app';

export type TextResult = { content: { type: string; text: string }[]; isError?: boolean };

/** A real MCP client of the server at `${base}/mcp`, signed in as the account. */
export async function mcpClient(base: string, account: Account): Promise<Client> {
  const client = new Client({ name: 'contract-test', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${base}/mcp`), { requestInit: { headers: account.auth } }));
  return client;
}

export const callTool = async (client: Client, name: string, args: Record<string, unknown>) =>
  (await client.callTool({ name, arguments: args })) as TextResult;
