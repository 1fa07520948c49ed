// `brains tui`: the cockpit is not built yet; say so and point at what works today.
export async function tuiCommand(_args: string[]): Promise<number> {
  process.stderr.write('brains tui: the cockpit is not built yet. For a live feed use `brains watch --pretty`; for state use `brains status` and `brains rpc`.\n');
  return 2;
}
