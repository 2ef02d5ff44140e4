/** IC / NFC card readers: PC/SC (nfc-pcsc) and the demo simulator. See README.md. */
export { createPcscReader, listPcscReaders, readerMatches } from './pcsc-reader';
export type { PcscReaderConfig, PcscReaderOptions } from './pcsc-reader';
export { createSimIcReader } from './sim-reader';
export { IcError, isIcError, PCSC_UNAVAILABLE } from './errors';
export { DEMO_AID, readStoredValueCard, parseEf15, encodeEf15 } from './stored-value-app';
export type { Ef15, StoredValueCardRead, Transmit } from './stored-value-app';
export { VirtualStoredValueCard, contactlessAtr } from './virtual-card';
export type { VirtualCardProfile, VirtualCardFailure } from './virtual-card';
