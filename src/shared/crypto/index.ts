/**
 * CardTill SM crypto suite: SM2 (GB/T 32918), SM3 (GB/T 32905), SM4 (GB/T 32907) in pure
 * TypeScript, so it runs unchanged under Node and in Electron's main process (whose BoringSSL
 * has no SM algorithms). See README.md in this folder for formats and figures.
 */
export { CryptoError, isCryptoError, type CryptoErrorCode } from './errors';
export { toHex, fromHex, timingSafeEqualBytes } from './bytes';
export { sm3, Sm3 } from './sm3';
export { hmacSm3, HmacSm3 } from './hmac';
export { sm4EncryptBlock, sm4DecryptBlock } from './sm4';
export { sm4CbcEncrypt, sm4CbcDecrypt, sm4Ctr } from './sm4-modes';
export { sealSm4, openSm4 } from './seal';
export {
  SM2_DEFAULT_USER_ID,
  type Sm2KeyPair,
  type Sm2Options,
  type Sm2VerifierOptions,
  sm2GenerateKeyPair,
  sm2PublicKeyFromPrivate,
  sm2Sign,
  sm2Verify,
  sm2Verifier,
  sm2Signer,
} from './sm2';
export { sm2Warmup } from './sm2-warm';
export { sm2PublicKeyToPem, sm2PublicKeyFromPem, sm2PrivateKeyToPem, sm2PrivateKeyFromPem } from './sm2-pem';
