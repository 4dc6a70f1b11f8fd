import { parentPort } from 'node:worker_threads';
import { OtlpDecodeError } from '../otlp/decode-error.js';
import { uncompressSync } from 'snappy';
import {
  decodeWriteRequestColumns,
  type WriteRequestColumns,
} from '../metrics/remote-write-columns.js';
import { RemoteWriteDecodeError } from '../metrics/remote-write-wire.js';
import { utf8ColumnBuffers } from '../telemetry/utf8-column.js';
import { decodeRequest, type DecodedRequest, type DecodeTask } from './decode-request.js';

/**
 * A decode worker (see `decode-pool.ts`): decodes request bodies it is sent and posts back the
 * column batches, or the decode error's message.
 */
export type DecodeRequestMessage =
  | { id: number; task: DecodeTask }
  /** A snappy-compressed Prometheus remote write body. */
  | { id: number; remoteWrite: Uint8Array };

export type DecodeResponseMessage =
  | { id: number; ok: true; result: ReturnType<typeof decodeRequest> }
  | { id: number; ok: true; columns: WriteRequestColumns }
  | { id: number; ok: false; malformed: boolean; message: string };

const port = parentPort;
if (port === null) throw new Error('decode-worker.ts runs as a worker thread only');
port.on('message', (message: DecodeRequestMessage) => {
  const { id } = message;
  let response: DecodeResponseMessage;
  let transfer: ArrayBuffer[] = [];
  try {
    if ('task' in message) {
      const result = decodeRequest({ ...message.task, utf8Columns: true });
      response = { id, ok: true, result };
      transfer = transferables(result);
    } else {
      const columns = decodeWriteRequestColumns(snappyBody(message.remoteWrite));
      response = { id, ok: true, columns };
      // Fresh arrays of exact size: handed over, not copied.
      transfer = [
        columns.labelHashes.buffer,
        columns.labelStarts.buffer,
        columns.labelEnds.buffer,
        columns.labelBytes.buffer,
        columns.sampleEnds.buffer,
        columns.minTimeMs.buffer,
        columns.maxTimeMs.buffer,
        columns.timeMs.buffer,
        columns.value.buffer,
      ];
    }
  } catch (error) {
    response = {
      id,
      ok: false,
      malformed: error instanceof OtlpDecodeError || error instanceof RemoteWriteDecodeError,
      message: error instanceof Error ? error.message : String(error),
    };
  }
  port.postMessage(response, transfer);
});

/**
 * The buffers of a decoded batch that are its own (UTF-8 columns, exactly sized time columns):
 * handed over rather than copied.
 */
function transferables(result: DecodedRequest): ArrayBuffer[] {
  if (result.signal === 'metrics') return [];
  const batch = result.signal === 'traces' ? result.decoded.spans : result.decoded.logs;
  return utf8ColumnBuffers(batch);
}

function snappyBody(compressed: Uint8Array): Buffer {
  try {
    return uncompressSync(
      Buffer.from(compressed.buffer, compressed.byteOffset, compressed.length),
      {
        asBuffer: true,
      },
    ) as Buffer;
  } catch {
    throw new RemoteWriteDecodeError('snappy: corrupt input');
  }
}
