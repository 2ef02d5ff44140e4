/**
 * Whether PC/SC can be used on this machine, in words a technician can act on (the app's
 * technician screen, `cardtill devices`, the diagnostics bundle). nfc-pcsc is an optional
 * dependency: it builds only where libpcsclite-dev is installed, and it needs the pcscd daemon.
 */
import { loadNfcPcsc, probePcscd, pcscdSocketPath } from '../../drivers/ic/pcsc-stack';

export const PCSC_DEBIAN_PACKAGES = 'pcscd libpcsclite-dev';

export interface PcscStatus {
  available: boolean;
  detail: string;
  /** Set when unavailable: the Debian packages to install (and then `npm rebuild nfc-pcsc`). */
  install?: string;
}

export async function pcscStatus(): Promise<PcscStatus> {
  if (!(await loadNfcPcsc()))
    return {
      available: false,
      detail:
        'PC/SC 不可用：nfc-pcsc 未能加载（缺少 libpcsclite）/ PC/SC unavailable: nfc-pcsc did not load (libpcsclite missing) — apt-get install pcscd libpcsclite-dev, then npm rebuild nfc-pcsc',
      install: PCSC_DEBIAN_PACKAGES,
    };
  if (!(await probePcscd()))
    return {
      available: false,
      detail: `PC/SC 不可用：pcscd 未运行 / PC/SC unavailable: pcscd is not running (${pcscdSocketPath()}) — apt-get install pcscd; systemctl start pcscd`,
      install: PCSC_DEBIAN_PACKAGES,
    };
  return {
    available: true,
    detail: `pcscd 正在运行（${pcscdSocketPath()}） / pcscd answers on ${pcscdSocketPath()}`,
  };
}
