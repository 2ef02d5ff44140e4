/** HMAC (RFC 2104 / GB/T 15852.2) instantiated with SM3 (block 64 bytes, output 32 bytes). */
import { assertBytes } from './bytes';
import { Sm3, sm3 } from './sm3';

const BLOCK = 64;

/** Incremental HMAC-SM3 for large or streamed inputs. */
export class HmacSm3 {
  private readonly inner = new Sm3();
  private readonly outerKey: Uint8Array;
  private done = false;

  constructor(key: Uint8Array) {
    assertBytes(key, 'HMAC key');
    const k = new Uint8Array(BLOCK);
    k.set(key.length > BLOCK ? sm3(key) : key);
    const ipad = new Uint8Array(BLOCK);
    this.outerKey = new Uint8Array(BLOCK);
    for (let i = 0; i < BLOCK; i++) {
      ipad[i] = k[i]! ^ 0x36;
      this.outerKey[i] = k[i]! ^ 0x5c;
    }
    this.inner.update(ipad);
    k.fill(0);
    ipad.fill(0);
  }

  update(d: Uint8Array): this {
    this.inner.update(d);
    return this;
  }

  digest(): Uint8Array {
    if (this.done) throw new Error('HmacSm3: digest() called twice');
    this.done = true;
    const out = new Sm3().update(this.outerKey).update(this.inner.digest()).digest();
    this.outerKey.fill(0);
    return out;
  }
}

/** HMAC-SM3(key, data), 32 bytes. */
export function hmacSm3(key: Uint8Array, data: Uint8Array): Uint8Array {
  return new HmacSm3(key).update(data).digest();
}
