/**
 * A request body that cannot be decoded as OTLP. The message names the problem and where it is,
 * so that the sender can fix it; the HTTP and gRPC receivers answer it as 400 /
 * `INVALID_ARGUMENT`. The decoders throw nothing else for bad input.
 */
export class OtlpDecodeError extends Error {
  override readonly name = 'OtlpDecodeError';
}
