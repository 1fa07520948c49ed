// `brains wire` / `brains unwire`: register brains with every detected agent tool, and remove exactly that (not built yet).
export async function wireCommand(_args: string[]): Promise<number> {
  process.stderr.write('brains wire: not built yet\n');
  return 2;
}

export async function unwireCommand(_args: string[]): Promise<number> {
  process.stderr.write('brains unwire: not built yet\n');
  return 2;
}
