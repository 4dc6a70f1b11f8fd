import zlib from 'node:zlib';
import { promisify } from 'node:util';
import { badRequest, payloadTooLarge, unsupportedMediaType } from '../errors.js';

const gunzip = promisify(zlib.gunzip);
const inflate = promisify(zlib.inflate);

export type OtlpEncoding = 'protobuf' | 'json';

export const OTLP_CONTENT_TYPES: Record<string, OtlpEncoding> = {
  'application/x-protobuf': 'protobuf',
  'application/protobuf': 'protobuf',
  'application/json': 'json',
};

/** The OTLP encoding named by a Content-Type header (parameters such as charset ignored). */
export function otlpEncodingOf(contentType: string | undefined): OtlpEncoding {
  const mediaType = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  const encoding = OTLP_CONTENT_TYPES[mediaType];
  if (!encoding) {
    throw unsupportedMediaType(
      `unsupported Content-Type ${JSON.stringify(contentType ?? '')}: OTLP/HTTP accepts application/x-protobuf or application/json`,
    );
  }
  return encoding;
}

/**
 * Undo Content-Encoding, never producing more than `maxBytes`: a gzip bomb stops as soon as its
 * output passes the limit, without the whole expansion being allocated.
 */
export async function decodeContentEncoding(
  body: Buffer,
  contentEncoding: string | undefined,
  maxBytes: number,
): Promise<Buffer> {
  const encoding = (contentEncoding ?? 'identity').trim().toLowerCase();
  if (encoding === 'identity' || encoding === '') return body;
  const inflater =
    encoding === 'gzip' || encoding === 'x-gzip'
      ? gunzip
      : encoding === 'deflate'
        ? inflate
        : undefined;
  if (!inflater) {
    throw unsupportedMediaType(
      `unsupported Content-Encoding ${JSON.stringify(contentEncoding)}: use gzip, deflate or none`,
    );
  }
  try {
    return await inflater(body, { maxOutputLength: maxBytes });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw payloadTooLarge(
        `request body expands beyond the limit of ${maxBytes} bytes after ${encoding} decompression`,
      );
    }
    throw badRequest(
      `request body is not valid ${encoding} data: ${(error as Error).message}`,
      error,
    );
  }
}
