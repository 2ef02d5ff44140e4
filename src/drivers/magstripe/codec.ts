/**
 * Magstripe codec: reader bytes → CardPresented or SWIPE_UNREADABLE. Pure (no Node imports), so
 * the serial driver, the HID driver, the simulator and the renderer's keyboard-wedge path all run
 * the very same code. Never throws on input.
 *
 * One frame is one swipe: the tracks the reader read, back to back, each from its start sentinel
 * to its end sentinel (plus the LRC character if the reader is set to pass it), e.g.
 *   %B6228480402564890018^DEMO/CARD^4912120?;6228480402564890018=4912120?
 * Track 2 is authoritative (ISO/IEC 7813 makes it the financial track); track 1 adds the name and
 * must agree on the card number; track 3, where present, is checked and otherwise ignored.
 */
import type { CardPresented, EntryMode } from '../../shared/devices';
import type { FrameResult } from '../serial/frame-parser';
import { FramedCodec, frameFaultText } from '../serial/framed-codec';
import { checkTrack3, decodeTrack1, decodeTrack2, type TrackFault, type TrackNo } from './tracks';
import type { MagstripeProtocol } from './framings';

export type SwipeResult =
  | { kind: 'card'; card: CardPresented }
  /** `detail` names what was wrong (which track, which check); it never carries track data. */
  | { kind: 'error'; code: 'SWIPE_UNREADABLE'; detail: string };

export interface SwipeOptions {
  /** The reader sends each track's LRC character after its end sentinel. */
  trackLrc?: boolean;
  /** 'swipe' for a known magstripe reader; 'wedge' when it came through the keyboard. */
  entryMode?: EntryMode;
}

interface TrackSegment {
  track: TrackNo;
  ssToEs?: string;
  lrc?: string;
}

const STOPS_T1 = new Set([';', '%']);
const STOPS_T23 = new Set([';', '%', '+']);

/** Cuts a swipe into its tracks. Returns a description of the noise if anything is not a track. */
function splitTracks(s: string, trackLrc: boolean): TrackSegment[] | string {
  const out: TrackSegment[] = [];
  let seenTrack2 = false;
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    let track: TrackNo;
    if (c === '%') track = 1;
    else if (c === ';') {
      track = seenTrack2 ? 3 : 2;
      seenTrack2 = true;
    } else if (c === '+') track = 3;
    else return `noise at offset ${i}`;
    if (out.some((t) => t.track === track)) return `track ${track} twice`;
    const stops = track === 1 ? STOPS_T1 : STOPS_T23;
    let j = i + 1;
    while (j < s.length && s[j] !== '?' && !stops.has(s[j]!)) j++;
    if (j >= s.length || s[j] !== '?') {
      out.push({ track }); // no end sentinel: a partial track
      i = j;
      continue;
    }
    const seg: TrackSegment = { track, ssToEs: s.slice(i, j + 1) };
    i = j + 1;
    if (trackLrc) {
      if (i < s.length) seg.lrc = s[i];
      i += 1;
    }
    out.push(seg);
  }
  return out;
}

/** Decodes one swipe frame (the bytes between the framing's prefix and suffix). */
export function decodeSwipe(frame: Uint8Array, opts: SwipeOptions = {}): SwipeResult {
  const unreadable = (detail: string): SwipeResult => ({ kind: 'error', code: 'SWIPE_UNREADABLE', detail });
  let text = '';
  for (let i = 0; i < frame.length; i++) {
    const b = frame[i]!;
    if (b < 0x20 || b > 0x7e) return unreadable(`non-printable byte at offset ${i}`);
    text += String.fromCharCode(b);
  }
  const segs = splitTracks(text, opts.trackLrc ?? false);
  if (typeof segs === 'string') return unreadable(segs);
  if (segs.length === 0) return unreadable('no track');

  const faults: string[] = [];
  let t1: ReturnType<typeof decodeTrack1> | undefined;
  let t2: ReturnType<typeof decodeTrack2> | undefined;
  for (const seg of segs) {
    if (seg.ssToEs === undefined) {
      faults.push(`track ${seg.track}: end-sentinel`);
      if (seg.track === 1) t1 = { ok: false, fault: 'end-sentinel' };
      if (seg.track === 2) t2 = { ok: false, fault: 'end-sentinel' };
      continue;
    }
    const lrc = opts.trackLrc ?? false;
    if (seg.track === 1) t1 = decodeTrack1(seg.ssToEs, seg.lrc, lrc);
    else if (seg.track === 2) t2 = decodeTrack2(seg.ssToEs, seg.lrc, lrc);
    else {
      const f: TrackFault | undefined = checkTrack3(seg.ssToEs, seg.lrc, lrc);
      if (f) faults.push(`track 3: ${f}`);
    }
    if (seg.track === 1 && t1 && !t1.ok) faults.push(`track 1: ${t1.fault}`);
    if (seg.track === 2 && t2 && !t2.ok) faults.push(`track 2: ${t2.fault}`);
  }

  const entryMode = opts.entryMode ?? 'swipe';
  if (t2?.ok) {
    if (t1?.ok && t1.fields.pan !== t2.fields.pan)
      return unreadable('track 1 and track 2 card numbers differ');
    const { pan, expiry, serviceCode } = t2.fields;
    const name = t1?.ok ? t1.fields.name : undefined;
    return {
      kind: 'card',
      card: {
        pan,
        entryMode,
        ...(expiry ? { expiry } : {}),
        ...(serviceCode ? { serviceCode } : {}),
        ...(name ? { holderName: name } : {}),
      },
    };
  }
  if (t2 === undefined && t1?.ok) {
    const { pan, expiry, serviceCode, name } = t1.fields;
    return {
      kind: 'card',
      card: {
        pan,
        entryMode,
        ...(expiry ? { expiry } : {}),
        ...(serviceCode ? { serviceCode } : {}),
        ...(name ? { holderName: name } : {}),
      },
    };
  }
  return unreadable(faults.length ? faults.join('; ') : 'no card track');
}

/** Framer + decoder for one reader: push bytes as they arrive, flush on silence or close. */
export class MagstripeCodec extends FramedCodec<SwipeResult> {
  constructor(
    readonly protocol: MagstripeProtocol,
    private readonly entryMode: EntryMode = 'swipe',
  ) {
    super(protocol.framing);
  }

  protected decodeFrame(f: FrameResult): SwipeResult {
    if (!f.ok) return { kind: 'error', code: 'SWIPE_UNREADABLE', detail: frameFaultText(f.fault, 'swipe') };
    return decodeSwipe(f.bytes, { trackLrc: this.protocol.trackLrc, entryMode: this.entryMode });
  }
}
