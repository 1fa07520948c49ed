// The config plane: read and change runtime settings.
import { configMethods } from '../../../rpc/contract/config.js';
import { RuntimeSettings } from '../../settings.js';
import type { HandlersFor } from '../shared/call.js';
import type { PlaneDeps } from '../shared/deps.js';

export function configHandlers(deps: PlaneDeps): HandlersFor<typeof configMethods> {
  return {
    'config.get': ({ key }) => {
      const all = deps.settings.all();
      const defaults = RuntimeSettings.defaults();
      return key === undefined
        ? { settings: all, defaults }
        : { settings: { [key]: all[key] }, defaults: { [key]: defaults[key] } };
    },
    'config.set': ({ key, value }) => {
      const previous = deps.settings.set(key, value);
      deps.mutate((emit) => emit('config.changed', key, { key, value: deps.settings.get(key), previous }));
      return { key, value: deps.settings.get(key), previous };
    },
  };
}
