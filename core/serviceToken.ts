/** A typed service identifier. Bundles export their tokens from `api.ts`; the kernel binds `key` in inversify. */
export interface ServiceToken<T> {
  readonly key: symbol;
  readonly name: string;
  /** Phantom field that carries the service type; never set at run time. */
  readonly __type?: T;
}

export function serviceToken<T>(name: string): ServiceToken<T> {
  return Object.freeze({ key: Symbol.for(`oxkernel.service.${name}`), name });
}
