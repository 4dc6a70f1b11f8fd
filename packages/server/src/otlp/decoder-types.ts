import type { AttributeLimits } from './attribute-limits.js';

/**
 * The signatures all six decoders share. Every decoder takes the receive time, which the log
 * decoders use for records that carry no time of their own, and optionally attribute limits
 * (`attribute-limits.ts`; none when absent).
 */
export type ProtobufDecoder<Decoded> = (
  bytes: Uint8Array,
  receivedAtUnixNano: bigint,
  limits?: AttributeLimits,
) => Decoded;
export type JsonDecoder<Decoded> = (
  text: string,
  receivedAtUnixNano: bigint,
  limits?: AttributeLimits,
) => Decoded;
