/**
 * An issuer port that answers from a script and records every command with its attempts: the
 * tests that prove a piece (settlement, the forwarder) reaches the issuer only through the port.
 */
import type { ExchangeOutcome, IssuerCommand, IssuerPort } from '../../src/main/issuer/port';

export class ScriptedPort implements IssuerPort {
  readonly protocol = 'scripted';
  readonly sent: Array<{ cmd: IssuerCommand; attempts: number }> = [];
  constructor(public next: (cmd: IssuerCommand) => ExchangeOutcome) {}
  exchange(cmd: IssuerCommand, attempts: number): Promise<ExchangeOutcome> {
    this.sent.push({ cmd, attempts });
    return Promise.resolve(this.next(cmd));
  }
  signOn(): Promise<never> {
    return Promise.reject(new Error('not used'));
  }
  setCut(): void {}
  isCut(): boolean {
    return false;
  }
}
