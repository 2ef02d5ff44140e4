/**
 * A read of the offline queue screen (queue.items, jobs.deadLetters), refreshed on every
 * `queue.changed` (the forwarder, the job queue and the acknowledge buttons emit it) and every few
 * seconds. These reads are `passive` in the contract, so the polling does not hold off the idle
 * sign-out. Returns the last answer (null before the first) and a refresh for after an action.
 */
import { useCallback, useEffect, useState } from 'react';
import { call } from '../../actions';
import { getBridge } from '../../bridge';
import type { Req, Res } from '../../../shared/contract';

type QueueRead = 'queue.items' | 'jobs.deadLetters';

export function useQueueRead<M extends QueueRead>(method: M): [Res<M> | null, () => Promise<void>] {
  const [value, setValue] = useState<Res<M> | null>(null);
  const refresh = useCallback(async () => {
    try {
      setValue((await call(method, {} as Req<M>)) as Res<M>);
    } catch {
      // signed out meanwhile
    }
  }, [method]);
  useEffect(() => {
    void refresh();
    const off = getBridge().on('queue.changed', () => void refresh());
    const timer = setInterval(() => void refresh(), 3000);
    return () => {
      off();
      clearInterval(timer);
    };
  }, [refresh]);
  return [value, refresh];
}
