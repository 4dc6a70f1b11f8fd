/**
 * Server-Sent Events over fetch (not EventSource) so the request carries the organisation
 * header like every other call. Calls `onEvent` per event until aborted or the stream ends.
 */
import { apiHeaders, ApiError } from './client';

export async function streamEvents(
  url: string,
  signal: AbortSignal,
  onEvent: (event: string, data: string) => void,
): Promise<void> {
  const response = await fetch(url, {
    headers: { ...apiHeaders('GET'), accept: 'text/event-stream' },
    credentials: 'same-origin',
    signal,
  });
  if (!response.ok || !response.body) {
    let message = `${response.status} ${response.statusText}`;
    try {
      const body = (await response.json()) as { error?: { message?: string } };
      message = body.error?.message ?? message;
    } catch {
      // keep the status line
    }
    throw new ApiError(response.status, 'tail_failed', message);
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
      }
      onEvent(event, data.join('\n'));
    }
    // An event never grows without bound: a server record is at most a few hundred KB.
    if (buffer.length > 8 * 1024 * 1024) throw new Error('event stream: oversized event');
  }
}
