// A stand-in for an object a before hook creates later, so a suite can name it (and destructure it) at definition time.

export interface StandIn<T extends object> {
  /** Forwards to the real object once it is set; throws a message naming it when used before. */
  readonly ref: T;
  /** The real object, or undefined before it is set. */
  readonly current: T | undefined;
  set(value: T): void;
}

export function standIn<T extends object>(what: string): StandIn<T> {
  let current: T | undefined;
  const real = (): T => {
    if (current === undefined) throw new Error(`${what} does not exist yet: use it inside a test or a hook, not while the suite is being defined`);
    return current;
  };
  const ref = new Proxy({} as T, {
    get(_, key) {
      const target = real();
      const value: unknown = Reflect.get(target, key, target);
      // Methods run on the real object, so its private state and `this` are its own.
      return typeof value === 'function' ? value.bind(target) : value;
    },
    set: (_, key, value) => Reflect.set(real(), key, value),
    has: (_, key) => Reflect.has(real(), key),
    getPrototypeOf: () => Reflect.getPrototypeOf(real()),
  });
  return {
    ref,
    get current() {
      return current;
    },
    set(value) {
      current = value;
    },
  };
}
