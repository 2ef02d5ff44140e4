/**
 * The core's implementation of each contract method, composed from one file per area
 * (./handlers/*.ts). TypeScript checks that the composition covers every method of the contract.
 */
import type { Handlers } from './dispatch';
import type { AppContext } from './context';
import { sessionHandlers } from './handlers/session';
import { saleHandlers } from './handlers/sale';
import { deviceHandlers } from './handlers/devices';
import { deviceIoHandlers } from './handlers/device-io';
import { techHandlers } from './handlers/tech';
import { managerHandlers } from './handlers/manager';
import { offlineHandlers } from './handlers/offline';
import { disputeHandlers } from './handlers/dispute';
import { jobHandlers } from './handlers/jobs';
import { journalHandlers } from './handlers/journal';
import { cardLifeHandlers } from './handlers/card-life';
import { cardBatchHandlers } from './handlers/card-batch';
import { fileBatchHandlers } from './handlers/file-batch';
import { passwordHandlers } from './handlers/password';
import { chipHandlers } from './handlers/chip';

export function createHandlers(ctx: AppContext): Handlers {
  return {
    ...sessionHandlers(ctx),
    ...saleHandlers(ctx),
    ...deviceHandlers(ctx),
    ...deviceIoHandlers(ctx),
    ...techHandlers(ctx),
    ...managerHandlers(ctx),
    ...offlineHandlers(ctx),
    ...disputeHandlers(ctx),
    ...jobHandlers(ctx),
    ...journalHandlers(ctx),
    ...cardLifeHandlers(ctx),
    ...cardBatchHandlers(ctx),
    ...fileBatchHandlers(ctx),
    ...passwordHandlers(ctx),
    ...chipHandlers(ctx),
  };
}
