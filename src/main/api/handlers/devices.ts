import type { Handlers } from '../dispatch';
import type { AppContext } from '../context';
import type { deviceMethods } from '../../../shared/contract/devices';
import { TillError } from '../../../shared/errors';

export function deviceHandlers(ctx: AppContext): Pick<Handlers, keyof typeof deviceMethods> {
  return {
    'devices.list': () => ctx.devices.list(),
    'devices.simulate': ({ deviceId, input }) => {
      const r = ctx.devices.simulate(deviceId, input);
      // A simulate call that did nothing must say so: an empty answer made a typo in a device id
      // look like a swipe that was simply not noticed.
      if (!r.ok) {
        if (r.reason === 'NO_SUCH_DEVICE') throw new TillError('DEVICE_NOT_FOUND', deviceId);
        if (r.reason === 'NOT_SIMULATED') throw new TillError('DEVICE_NOT_SIMULATED', deviceId);
        throw new TillError('DEVICE_UNAVAILABLE', `${deviceId}: driver not started`);
      }
      return {};
    },
  };
}
