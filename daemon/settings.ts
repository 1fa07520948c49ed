// Runtime settings: loaded from config.json in the state dir, changed by config.set, read fresh by every plane.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { BrainsError } from '../rpc/errors.js';
import { settingsSchema, settingsShape, type SettingKey, type Settings } from '../rpc/contract/config.js';

export class SettingsFileError extends Error {
  override name = 'SettingsFileError';
}

export class RuntimeSettings {
  private current: Settings;

  constructor(private readonly path: string) {
    this.current = RuntimeSettings.load(path);
  }

  static defaults(): Settings {
    return settingsSchema.parse({});
  }

  private static load(path: string): Settings {
    if (!existsSync(path)) return RuntimeSettings.defaults();
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new SettingsFileError(`${path} is not valid JSON (${(error as Error).message}); fix or delete it`);
    }
    const parsed = settingsSchema.safeParse(raw);
    if (!parsed.success) {
      const why = parsed.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`).join('; ');
      throw new SettingsFileError(`${path} has invalid settings (${why}); fix or delete it`);
    }
    return parsed.data;
  }

  get<K extends SettingKey>(key: K): Settings[K] {
    return this.current[key];
  }

  all(): Settings {
    return { ...this.current };
  }

  /** Validate, write the file atomically, then apply; on any failure nothing changes. */
  set(key: SettingKey, value: number): number {
    const checked = settingsShape[key].safeParse(value);
    if (!checked.success) {
      throw new BrainsError('INVALID', `${key}: ${checked.error.issues.map((i) => i.message).join('; ')}`, { key });
    }
    const previous = this.current[key];
    const next = { ...this.current, [key]: checked.data };
    const changedFromDefault = Object.fromEntries(Object.entries(next).filter(([k, v]) => RuntimeSettings.defaults()[k as SettingKey] !== v));
    const tmp = `${this.path}.tmp-${process.pid}`;
    writeFileSync(tmp, `${JSON.stringify(changedFromDefault, null, 2)}\n`, { mode: 0o600 });
    renameSync(tmp, this.path);
    this.current = next;
    return previous;
  }
}
