/** Fault injection: a store that behaves like `real` except where `overrides` says otherwise. */
import type { PartnerStore } from '../../src/domain/ports';

export function wrapStore(real: PartnerStore, overrides: Partial<PartnerStore>): PartnerStore {
  return new Proxy(real, {
    get(target, prop, receiver) {
      if (prop in overrides) return overrides[prop as keyof PartnerStore];
      const value: unknown = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** A store whose every call fails with `make()` (storage down, or a bug). */
export function failingStore(make: () => Error): PartnerStore {
  return new Proxy({} as PartnerStore, { get: () => () => Promise.reject(make()) });
}
