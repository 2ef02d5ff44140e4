import type { Handlers } from '../dispatch';
import type { AppContext } from '../context';
import type { deviceMethods } from '../../../shared/contract/devices';

export function deviceHandlers(ctx: AppContext): Pick<Handlers, keyof typeof deviceMethods> {
  return {
    'devices.list': () => ctx.devices.list(),
    'devices.simulate': ({ deviceId, input }) => {
      ctx.devices.simulate(deviceId, input);
      return {};
    },
  };
}
