// `brains hook <event>`: the command agent tools run on their hook events (not built yet).
export async function hookCommand(_args: string[]): Promise<number> {
  process.stderr.write('brains hook: not built yet\n');
  return 2;
}
