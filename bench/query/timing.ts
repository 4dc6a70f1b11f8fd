/**
 * Wall and CPU time of `runs` calls of a query after one warm-up call, each sorted ascending.
 * CPU time is this process's (DuckDB's threads included): on a shared, loaded machine it varies
 * far less than the wall time, so runs under different load compare on it.
 */
export async function timeRuns(
  run: () => Promise<unknown>,
  runs: number,
): Promise<{ times: number[]; cpu: number[] }> {
  await run();
  const times: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const c = process.cpuUsage();
    await run();
    const used = process.cpuUsage(c);
    times.push(performance.now() - t);
    cpu.push((used.user + used.system) / 1000);
  }
  times.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  return { times, cpu };
}
