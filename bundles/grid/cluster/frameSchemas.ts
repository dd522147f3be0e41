import Type from 'typebox';
import { messageCheck, WireName, WireText } from '../spi/wireSchema.js';

/** Call ids: positive integers, counted up by the caller. */
const CallId = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER });

/** MESSAGE frames: [service, payload]; the payload is checked by the service's schema. */
export const isMessageFrame = messageCheck('frame MESSAGE', Type.Tuple([WireName, Type.Unknown()]));
/** REQUEST frames: [callId, service, payload]. */
export const isRequestFrame = messageCheck('frame REQUEST', Type.Tuple([CallId, WireName, Type.Unknown()]));
/** RESPONSE frames: [callId, true, answer] (checked by the call's answer schema) or [callId, false, error message]. */
export const isResponseFrame = messageCheck('frame RESPONSE', Type.Union([
  Type.Tuple([CallId, Type.Literal(true), Type.Unknown()]),
  Type.Tuple([CallId, Type.Literal(false), WireText]),
]));
