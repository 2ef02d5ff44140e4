/** ISO 8583, the CUP POS profile: codec, message set, composite fields, MAC and PIN block (all pure). */
export * from './errors';
export * from './profile';
export * from './cup-profile';
export * from './codec';
export * from './messages';
export * from './subfields';
export * from './framer';
export * from './mac';
export * from './pin-block';
