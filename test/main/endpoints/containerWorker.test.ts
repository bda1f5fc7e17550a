/**
 * The parts of a container worker that need no engine: a free loopback port, and telling a server
 * bound to every interface from one bound to 127.0.0.1 (the warning an image gets for the former).
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { listensOnAllInterfaces } from '../../../main/endpoints/containerWorker';
import { freePort } from '../../../main/util/net';

const servers: net.Server[] = [];

function listen(host: string): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer();
    servers.push(server);
    server.listen(0, host, () => resolve((server.address() as net.AddressInfo).port));
  });
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

describe('container worker ports', () => {
  it('finds a port on 127.0.0.1 that is free to bind', async () => {
    const port = await freePort();
    expect(port).toBeGreaterThan(1023);
    const server = net.createServer();
    servers.push(server);
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
  });

  it('tells a server on every interface from one on 127.0.0.1 only', async () => {
    expect(listensOnAllInterfaces(await listen('127.0.0.1'))).toBe(false);
    expect(listensOnAllInterfaces(await listen('0.0.0.0'))).toBe(true);
    expect(listensOnAllInterfaces(await listen('::'))).toBe(true);
    expect(listensOnAllInterfaces(await freePort())).toBe(false);
  });
});
