// Minimal typings for the reference library `sm-crypto` (ships no types); used by tests and bench only.
declare module 'sm-crypto' {
  type Bytes = string | number[];
  interface Sm2SignOptions {
    hash?: boolean;
    der?: boolean;
    publicKey?: string;
    userId?: string;
  }
  const smCrypto: {
    sm2: {
      generateKeyPairHex(): { privateKey: string; publicKey: string };
      doSignature(msg: Bytes, privateKey: string, opts?: Sm2SignOptions): string;
      doVerifySignature(
        msg: Bytes,
        sigHex: string,
        publicKey: string,
        opts?: Omit<Sm2SignOptions, 'publicKey'>,
      ): boolean;
    };
    sm3(input: Bytes): string;
    sm4: {
      encrypt(
        input: Bytes,
        key: Bytes,
        opts?: { mode?: 'cbc' | 'ecb'; iv?: Bytes; padding?: string; output?: 'array' | 'string' },
      ): number[] | string;
    };
  };
  export default smCrypto;
}
