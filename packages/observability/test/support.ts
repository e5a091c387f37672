import { vi } from 'vitest';

/**
 * Every line written (JSON parsed, any other as `{ text }`) to stdout or stderr while `work` runs: where Powertools' Logger and
 * Metrics write in Lambda (their own Console on the process's streams), and what CloudWatch Logs reads.
 */
export async function stdoutLines(work: () => unknown): Promise<Record<string, unknown>[]> {
  const written: string[] = [];
  const capture = (chunk: string | Uint8Array) => {
    written.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  };
  const spies = [
    vi.spyOn(process.stdout, 'write').mockImplementation(capture),
    vi.spyOn(process.stderr, 'write').mockImplementation(capture),
  ];
  try {
    await work();
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  return written
    .join('')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => (line.startsWith('{') ? (JSON.parse(line) as Record<string, unknown>) : { text: line }));
}
