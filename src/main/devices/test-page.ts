/**
 * The printer self-test page (technician's screen, `cardtill print-test`): Chinese text in
 * GB18030 including a character outside GB2312 (the one GBK/EUC-CN printers lose), the yuan sign,
 * both sizes and alignments, a QR code (GS ( k) and a cut — everything a receipt uses.
 */
import type { ReceiptDoc } from '../../shared/receipt-doc';

export const TEST_PAGE_QR_PREFIX = 'CARDTILL-TEST';

export interface TestPageInfo {
  deviceId: string;
  terminalId: string;
  version: string;
  time: string;
  width?: 32 | 48;
}

export function testPageDoc(i: TestPageInfo): ReceiptDoc {
  return {
    width: i.width ?? 32,
    lines: [
      { type: 'text', text: '打印测试 TEST', align: 'center', size: 2, bold: true },
      { type: 'rule' },
      { type: 'pair', left: '设备 DEVICE', right: i.deviceId },
      { type: 'pair', left: '终端号 TID', right: i.terminalId },
      { type: 'pair', left: '版本 VERSION', right: i.version },
      { type: 'text', text: i.time },
      { type: 'rule' },
      { type: 'text', text: '中文：储值卡收银终端' },
      { type: 'text', text: '金额 ¥12.50 余额 ￥987.50' },
      { type: 'text', text: 'GB18030：䶮 (GB2312 之外)' },
      { type: 'text', text: '左 LEFT', align: 'left' },
      { type: 'text', text: '居中 CENTER', align: 'center' },
      { type: 'text', text: '右 RIGHT', align: 'right' },
      { type: 'text', text: '加粗 BOLD', bold: true },
      { type: 'qr', data: `${TEST_PAGE_QR_PREFIX}:${i.terminalId}:${i.deviceId}` },
      { type: 'text', text: '测试完成 END OF TEST', align: 'center' },
      { type: 'feed', lines: 3 },
      { type: 'cut' },
    ],
  };
}
