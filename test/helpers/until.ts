/** Polls `read` every 100 ms until `done` holds, and answers that value; past `limitMs` it throws, naming `what` and the last value. */
export async function until<T>(read: () => T | Promise<T>, done: (value: T) => boolean, what: string, limitMs = 120_000): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
