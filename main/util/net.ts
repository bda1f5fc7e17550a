import net from 'node:net';

/**
 * A port on 127.0.0.1 that nothing listens on right now, for a server Lathe starts with that port
 * (a Jupyter server with port_retries=0, a model container's SAGEMAKER_BIND_TO_PORT).
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
