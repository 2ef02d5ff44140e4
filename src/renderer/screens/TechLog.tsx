/** The live event log (every line masked by the core before it is written or sent). */
import { useEffect, useRef, useState } from 'react';
import { useT } from '../components/useLang';
import { call } from '../actions';
import { getBridge } from '../bridge';
import { useFormat } from '../format';
import { localLogLine } from './tech-log-line';

const KEEP = 300;

export function TechLog() {
  const { t } = useT();
  const { timeZone } = useFormat();
  const [lines, setLines] = useState<string[]>([]);
  const box = useRef<HTMLPreElement>(null);
  useEffect(() => {
    void call('tech.log', { limit: 100 }).then(
      (recent) => setLines((l) => [...recent, ...l].slice(-KEEP)),
      () => {},
    );
    return getBridge().on('log.line', ({ line }) => setLines((l) => [...l, line].slice(-KEEP)));
  }, []);
  useEffect(() => {
    if (box.current) box.current.scrollTop = box.current.scrollHeight;
  }, [lines]);
  return (
    <section className="wide">
      <h3>{t('eventLog')}</h3>
      <pre className="tech-log" ref={box} data-testid="tech-log">
        {lines.map((l) => localLogLine(l, timeZone)).join('\n')}
      </pre>
    </section>
  );
}
