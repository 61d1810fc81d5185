/**
 * APIM's byte[] extension methods `Encrypt(alg, key, iv)` / `Decrypt(alg, key, iv)` with the
 * algorithm named by string ("Aes", "Rijndael", "TripleDES", "DES"), in .NET's defaults: CBC mode
 * and PKCS7 padding; the AES variant follows the key length. A bad key, IV or padding throws
 * CryptographicException as in .NET.
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import type { Value } from '../port.ts';
import { NetException } from './core.ts';
import { NetArray } from './collections.ts';
import { extend } from './registry.ts';
import { BYTE, bytes, toUint8 } from './system.ts';

function cipherName(alg: string, keyLength: number): string {
  switch (alg.toLowerCase()) {
    case 'aes':
    case 'rijndael':
    case 'aesmanaged':
    case 'aescryptoserviceprovider':
      if (![16, 24, 32].includes(keyLength)) throw new NetException('System.Security.Cryptography.CryptographicException', 'Specified key is not a valid size for this algorithm.');
      return `aes-${keyLength * 8}-cbc`;
    case 'tripledes':
      return 'des-ede3-cbc';
    case 'des':
      return 'des-cbc';
  }
  throw new NetException('System.Security.Cryptography.CryptographicException', `The symmetric algorithm '${alg}' is not supported.`);
}

function run(decrypt: boolean, input: Value, args: Value[]): Value {
  const [alg, key, iv] = args;
  if (typeof alg !== 'string') throw new NetException('System.NotSupportedException', 'Only the Encrypt/Decrypt(string algorithm, byte[] key, byte[] iv) overload is emulated.');
  const k = toUint8(key ?? null);
  const v = toUint8(iv ?? null);
  const name = cipherName(alg, k.length);
  try {
    const c = decrypt ? createDecipheriv(name, k, v) : createCipheriv(name, k, v);
    return bytes(Buffer.concat([c.update(toUint8(input)), c.final()]));
  } catch (e) {
    throw new NetException('System.Security.Cryptography.CryptographicException', decrypt ? 'Padding is invalid and cannot be removed.' : (e as Error).message);
  }
}

const isBytes = (v: Value): boolean => v instanceof NetArray && v.type.element === BYTE;
extend('Encrypt', isBytes, (t: NetArray, args) => run(false, t, args));
extend('Decrypt', isBytes, (t: NetArray, args) => run(true, t, args));
