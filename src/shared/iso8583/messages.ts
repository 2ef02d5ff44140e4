/**
 * The message set, checked: which MessageSpec a decoded message is, and whether it carries exactly
 * its fields ("the field lists above are complete: a field outside a message's list is an error").
 * A message that fails here parsed fine: a host answers it `30` (format error).
 */
import { Iso8583Error } from './errors';
import type { IsoMessage } from './codec';
import type { Iso8583Profile, MessageSpec } from './profile';
import { parseField60 } from './subfields';

/** The request's spec (by MTI, 3 and 60.1, and 60.3 for network management). Throws UNKNOWN_MESSAGE. */
export function identifyRequest(profile: Iso8583Profile, msg: IsoMessage): MessageSpec {
  const byMti = profile.messages.filter((m) => m.mti === msg.mti);
  if (byMti.length === 0) throw new Iso8583Error('UNKNOWN_MESSAGE', `MTI ${msg.mti}`);
  const f60 = msg.fields[60];
  const info = typeof f60 === 'string' ? parseField60(f60) : undefined;
  const proc = msg.fields[3];
  const found = byMti.find(
    (m) =>
      (m.processingCode === undefined || m.processingCode === proc) &&
      (m.typeCode === null || m.typeCode === info?.typeCode) &&
      (m.networkCodes === undefined ||
        (info?.networkCode !== undefined && m.networkCodes.includes(info.networkCode))),
  );
  if (!found)
    throw new Iso8583Error(
      'UNKNOWN_MESSAGE',
      `MTI ${msg.mti}, 3 = ${String(proc)}, 60.1 = ${info?.typeCode}`,
    );
  return found;
}

/** The spec whose answer MTI this is, for a message we sent as `requestName`. */
export function answerSpec(profile: Iso8583Profile, requestName: string): MessageSpec {
  const spec = profile.messages.find((m) => m.name === requestName);
  if (!spec) throw new Iso8583Error('UNKNOWN_MESSAGE', `no message named ${requestName}`);
  return spec;
}

/** Throws MISSING_FIELD / UNEXPECTED_FIELD unless `msg` has all of `mandatory` and nothing outside the list. */
export function checkFields(
  msg: IsoMessage,
  list: { mandatory: readonly number[]; optional: readonly number[] },
) {
  for (const f of list.mandatory)
    if (msg.fields[f] === undefined) throw new Iso8583Error('MISSING_FIELD', `field ${f} missing`, f);
  for (const key of Object.keys(msg.fields)) {
    const f = Number(key);
    if (msg.fields[f] !== undefined && !list.mandatory.includes(f) && !list.optional.includes(f))
      throw new Iso8583Error('UNEXPECTED_FIELD', `field ${f} is not in this message`, f);
  }
}

/** identifyRequest + checkFields on the request list. */
export function checkRequest(profile: Iso8583Profile, msg: IsoMessage): MessageSpec {
  const spec = identifyRequest(profile, msg);
  checkFields(msg, spec.request);
  return spec;
}

/** An answer to `spec` checked against its answer list (MTI included). */
export function checkAnswer(spec: MessageSpec, msg: IsoMessage): void {
  if (msg.mti !== spec.answer.mti)
    throw new Iso8583Error('UNKNOWN_MESSAGE', `answer MTI ${msg.mti}, expected ${spec.answer.mti}`);
  checkFields(msg, spec.answer);
}
