/**
 * The demo screen's simulator cards mirror the issuer-sim's demo cards, including the balance a
 * tap writes into the simulated chip purse (the technician's read test showed "chip ¥0.00" for the
 * ¥1,000 card because the tap carried no balance and the virtual chip defaulted to zero).
 */
import { describe, it, expect } from 'vitest';
import { SIM_CARDS } from '../../src/renderer/components/DeviceSimPanel';
import { DEMO_CARDS, UNKNOWN_DEMO_PAN } from '../../src/issuer-sim/demo-cards';

describe('simulator cards', () => {
  it('have the demo cards’ numbers and balances', () => {
    for (const c of SIM_CARDS) {
      if (c.pan === UNKNOWN_DEMO_PAN) continue;
      const d = DEMO_CARDS.find((x) => x.pan === c.pan);
      expect(d, c.name).toBeDefined();
      expect({ name: c.name, balanceFen: c.balanceFen }).toEqual({
        name: d!.name,
        balanceFen: d!.balanceFen,
      });
    }
  });
});
