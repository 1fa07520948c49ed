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
    // The setting changes inside the transaction that records it: a database that cannot be written (locked by another
    // process, a full disk) leaves the setting as it was, and a retried call reports the true previous value.
    'config.set': ({ key, value }) => {
      let previous: number | null = null;
      try {
        deps.mutate((emit) => {
          previous = deps.settings.set(key, value);
          emit('config.changed', key, { key, value: deps.settings.get(key), previous });
        });
      } catch (error) {
        if (previous !== null) deps.settings.set(key, previous);
        throw error;
      }
      return { key, value: deps.settings.get(key), previous: previous! };
    },
  };
}
