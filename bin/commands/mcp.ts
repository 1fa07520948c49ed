// `brains mcp`: an MCP server on stdio that forwards every tool call to the daemon (not built yet).
export async function mcpCommand(_args: string[]): Promise<number> {
  process.stderr.write('brains mcp: not built yet\n');
  return 2;
}
