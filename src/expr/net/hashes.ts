/** The hash and HMAC classes of System.Security.Cryptography, on node:crypto. */
import { createHash, createHmac } from 'node:crypto';
import type { Value } from '../port.ts';
import { NetObject, type NetType } from './core.ts';
import { OBJECT } from './primitives.ts';
import { register } from './registry.ts';
import { bytes, toUint8 } from './system.ts';

// ---- hashes and HMACs

class NetHash extends NetObject {
  readonly algorithm: string;
  readonly key: Uint8Array | undefined;
  readonly typeName: string;
  constructor(typeName: string, algorithm: string, key?: Uint8Array) {
    super();
    this.typeName = typeName;
    this.algorithm = algorithm;
    this.key = key;
  }
  get netType(): NetType {
    return HASHES.get(this.typeName)!;
  }
}

const HASHES = new Map<string, NetType>();
const hashMembers = {
  ComputeHash: (t: NetHash, [b]: Value[]) => {
    const data = toUint8(b!);
    return bytes(t.key ? createHmac(t.algorithm, t.key).update(data).digest() : createHash(t.algorithm).update(data).digest());
  },
  Dispose: () => null,
};
for (const [name, alg, hmac] of [['SHA1', 'sha1', false], ['SHA256', 'sha256', false], ['SHA384', 'sha384', false], ['SHA512', 'sha512', false], ['MD5', 'md5', false], ['HMACSHA1', 'sha1', true], ['HMACSHA256', 'sha256', true], ['HMACSHA384', 'sha384', true], ['HMACSHA512', 'sha512', true], ['HMACMD5', 'md5', true]] as const) {
  const full = `System.Security.Cryptography.${name}`;
  HASHES.set(full, register({
    name: full,
    base: OBJECT,
    construct: hmac ? ([k]) => new NetHash(full, alg, toUint8(k!)) : () => new NetHash(full, alg),
    methods: hashMembers,
    props: hmac ? { Key: (t: NetHash) => bytes(t.key!) } : {},
    statics: { Create: () => new NetHash(full, alg), HashData: ([a, b]) => bytes(hmac ? createHmac(alg, toUint8(a!)).update(toUint8(b!)).digest() : createHash(alg).update(toUint8(a!)).digest()) },
  }, `${name}Managed`));
}


