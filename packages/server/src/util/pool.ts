/** A fixed set of resources lent out one caller at a time; callers beyond the set wait in order. */
export class Pool<T> {
  private readonly idle: T[];
  private readonly waiting: ((resource: T) => void)[] = [];

  constructor(resources: readonly T[]) {
    this.idle = [...resources];
  }

  async use<R>(work: (resource: T) => Promise<R>): Promise<R> {
    const resource = await this.acquire();
    try {
      return await work(resource);
    } finally {
      this.release(resource);
    }
  }

  private acquire(): Promise<T> {
    const resource = this.idle.pop();
    if (resource !== undefined) return Promise.resolve(resource);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(resource: T): void {
    const next = this.waiting.shift();
    if (next) next(resource);
    else this.idle.push(resource);
  }
}
