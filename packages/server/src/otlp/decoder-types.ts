/**
 * The signatures all six decoders share. Every decoder takes the receive time, which the log
 * decoders use for records that carry no time of their own.
 */
export type ProtobufDecoder<Decoded> = (bytes: Uint8Array, receivedAtUnixNano: bigint) => Decoded;
export type JsonDecoder<Decoded> = (text: string, receivedAtUnixNano: bigint) => Decoded;
