/**
 * byte[].Encrypt/Decrypt (APIM's extension methods), checked against OpenSSL's
 * `enc -aes-256-cbc` output for the same key, IV and text (PKCS7 padding, CBC: .NET's defaults).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateToJson } from '../../src/expr/compile.ts';

const run = (text: string) => evaluateToJson({ text, kind: 'block', spanOf: (s, e) => ({ file: 't', start: s, end: e }) as never }, {});
const setup = 'var key = Encoding.UTF8.GetBytes("0123456789abcdef0123456789abcdef"); var iv = Encoding.UTF8.GetBytes("0123456789abcdef");';

describe('byte[].Encrypt / Decrypt', () => {
  it('encrypts with AES-256-CBC and PKCS7 as OpenSSL does, and decrypts back', () => {
    // printf 'hello world' | openssl enc -aes-256-cbc -K <hex key> -iv <hex iv> | base64
    assert.deepEqual(run(`${setup} return Convert.ToBase64String(Encoding.UTF8.GetBytes("hello world").Encrypt("Aes", key, iv));`), { type: 'System.String', text: 'k9UqsBbfHgv6fqa1leyUXw==', value: 'k9UqsBbfHgv6fqa1leyUXw==' });
    assert.equal((run(`${setup} return Encoding.UTF8.GetString(Convert.FromBase64String("k9UqsBbfHgv6fqa1leyUXw==").Decrypt("Aes", key, iv));`) as { text: string }).text, 'hello world');
  });

  it('throws CryptographicException for a wrong key size or a bad padding', () => {
    assert.deepEqual((run('return Encoding.UTF8.GetBytes("x").Encrypt("Aes", new byte[5], new byte[16]).Length;') as { error: { type: string } }).error.type, 'System.Security.Cryptography.CryptographicException');
    assert.deepEqual((run(`${setup} return Encoding.UTF8.GetBytes("not a ciphertext").Decrypt("Aes", key, iv).Length;`) as { error: { type: string } }).error.type, 'System.Security.Cryptography.CryptographicException');
  });
});
