/** The core's implementation of each contract method. Areas add their handlers here. */
import type { Handlers } from './dispatch';
import type { TillSession } from './session';
import type { Terminal } from '../terminal/terminal';
import type { Operators } from '../auth/operators';
import type { DeviceHub } from '../devices/device-hub';
import type { IssuerLink } from '../issuer/link';
import type { SessionInfo } from '../../shared/contract';
import { TillError } from '../../shared/errors';
import { collectByCard } from '../terminal/collect';

export interface HandlerDeps {
  terminal: Terminal;
  operators: Operators;
  session: TillSession;
  devices: DeviceHub;
  link: IssuerLink;
  sessionInfo: () => SessionInfo;
  onLinkChanged: () => void;
  emitPrompt: (p: { amountFen: number } | null) => void;
}

export function createHandlers(d: HandlerDeps): Handlers {
  const op = () => d.session.current()?.id;
  return {
    'session.info': () => d.sessionInfo(),
    'auth.operators': () => d.operators.list(),
    'auth.signIn': ({ operatorId, pin }) => {
      const who = d.operators.authenticate(operatorId, pin);
      d.session.signIn(who);
      return who;
    },
    'auth.signOut': () => {
      d.session.signOut();
      d.terminal.clearCard();
      return {};
    },
    'link.set': ({ cut }) => {
      d.link.setCut(cut);
      d.onLinkChanged();
      return { link: cut ? 'cut' : 'online' };
    },
    'card.enter': ({ pan, entryMode }) => d.terminal.present({ pan, entryMode }),
    'card.current': () => d.terminal.cards.summary(),
    'card.clear': () => {
      d.terminal.clearCard();
      return {};
    },
    'sale.authorize': (req) => d.terminal.sale(req, op()),
    'sale.collect': (req) => collectByCard(d.terminal, req, op(), d.emitPrompt),
    'balance.inquiry': (req) => d.terminal.inquiry(req, op()),
    'txn.recent': ({ limit }) => d.terminal.recent(limit),
    'receipt.get': ({ stan }) => d.terminal.receipt(stan),
    'receipt.print': async ({ stan }) => {
      const printer = d.devices.printer();
      if (!printer) throw new TillError('DEVICE_UNAVAILABLE', 'no printer configured');
      const out = await printer.print(d.terminal.receipt(stan).doc, `receipt-${stan}`);
      return out.ok ? { printed: true, held: false } : { printed: false, held: true, reason: out.reason };
    },
    'devices.list': () => d.devices.list(),
    'devices.simulate': ({ deviceId, input }) => {
      d.devices.simulate(deviceId, input);
      return {};
    },
  };
}
