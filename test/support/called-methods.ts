/**
 * `target` as it is, recording the name of each of its methods that is called: for specs that
 * must show every method of a client at work, and fail when one is added without a test.
 */
export function recordingCalls<T extends object>(target: T, called: Set<string>): T {
  return new Proxy(target, {
    get(object, property, receiver) {
      const value = Reflect.get(object, property, receiver) as unknown;
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      return (...args: unknown[]) => {
        called.add(property);
        return (value as (...args: unknown[]) => unknown).apply(object, args);
      };
    },
  });
}

/** The public methods a class's instances have (every method on its prototype but the constructor). */
export function methodsOf(type: { prototype: object }): string[] {
  return Object.getOwnPropertyNames(type.prototype).filter((name) => name !== 'constructor').sort();
}
