/**
 * Cards presented for the next transaction, held in memory only (track and chip data never touch
 * the disk). The renderer holds an opaque token and the mask; a card not used within `ttlMs` is
 * forgotten, so a card read long ago cannot be charged by mistake.
 */
import { randomBytes } from 'node:crypto';
import type { CardPresented } from '../../shared/devices';
import { maskPan } from '../../shared/card';
import type { CardSummary } from '../../shared/contract';

interface Held {
  card: CardPresented;
  deviceId?: string;
  at: number;
}

export class CardVault {
  private current: { token: string; held: Held } | undefined;
  constructor(
    private readonly now: () => number,
    private readonly ttlMs = 120_000,
  ) {}

  /** A new card replaces the previous one: the till serves one customer at a time. */
  put(card: CardPresented, deviceId?: string): CardSummary {
    const token = randomBytes(12).toString('hex');
    this.current = { token, held: { card, deviceId, at: this.now() } };
    return this.summary()!;
  }

  take(token: string): CardPresented | undefined {
    const c = this.current;
    if (!c || c.token !== token || this.now() - c.held.at > this.ttlMs) return undefined;
    return c.held.card;
  }

  summary(): CardSummary | null {
    const c = this.current;
    if (!c || this.now() - c.held.at > this.ttlMs) return null;
    return {
      cardToken: c.token,
      masked: maskPan(c.held.card.pan),
      entryMode: c.held.card.entryMode,
      deviceId: c.held.deviceId,
    };
  }

  clear(): void {
    this.current = undefined;
  }
}
