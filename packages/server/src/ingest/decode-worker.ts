import { parentPort } from 'node:worker_threads';
import { OtlpDecodeError } from '../otlp/decode-error.js';
import { decodeRequest, type DecodeTask } from './decode-request.js';

/**
 * A decode worker (see `decode-pool.ts`): decodes request bodies it is sent and posts back the
 * column batches, or the decode error's message.
 */
export interface DecodeRequestMessage {
  id: number;
  task: DecodeTask;
}

export type DecodeResponseMessage =
  | { id: number; ok: true; result: ReturnType<typeof decodeRequest> }
  | { id: number; ok: false; malformed: boolean; message: string };

const port = parentPort;
if (port === null) throw new Error('decode-worker.ts runs as a worker thread only');
port.on('message', ({ id, task }: DecodeRequestMessage) => {
  let response: DecodeResponseMessage;
  try {
    response = { id, ok: true, result: decodeRequest(task) };
  } catch (error) {
    response = {
      id,
      ok: false,
      malformed: error instanceof OtlpDecodeError,
      message: error instanceof Error ? error.message : String(error),
    };
  }
  port.postMessage(response);
});
