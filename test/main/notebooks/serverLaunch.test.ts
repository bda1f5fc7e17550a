import { describe, expect, it } from 'vitest';
import { forwardedPath, presentedProxyToken } from '../../../main/server/jupyterProxy';
import { launchCommand, MARKER_VARIABLE, serverArgs, serverEnv } from '../../../main/notebooks/serverLaunch';

const SPEC = { python: '/usr/bin/python3', port: 8123, workspace: '/home/ana/Lathe/workspace', configFile: '/opt/lathe/resources/python/lathe/jupyter/jupyter_server_config.py', root: false };

describe('how a Jupyter server is started', () => {
  it('passes the port with no retries, the loopback address, /jupyter/ and the workspace, never the token', () => {
    const args = serverArgs(SPEC);
    expect(args.slice(0, 2)).toEqual(['-m', 'jupyter_server']);
    expect(args).toEqual(expect.arrayContaining(['--ServerApp.port=8123', '--ServerApp.port_retries=0', '--ServerApp.ip=127.0.0.1', '--ServerApp.open_browser=False', '--ServerApp.base_url=/jupyter/', '--ServerApp.root_dir=/home/ana/Lathe/workspace', `--config=${SPEC.configFile}`]));
    expect(args).not.toContain('--allow-root');
    expect(serverArgs({ ...SPEC, root: true })).toContain('--allow-root');
    expect(args.join(' ')).not.toMatch(/token/i);
  });

  it("gives kernels the lathe SDK, Lathe's URL and token, and boto3 credentials for Lathe", () => {
    const env = serverEnv({
      base: { PATH: '/usr/bin', PYTHONPATH: '/mine', MPLBACKEND: 'Agg', JUPYTER_TOKEN: 'old' },
      token: 'jt',
      marker: 'm1',
      pythonPath: '/opt/lathe/resources/python',
      lathe: { LATHE_URL: 'http://127.0.0.1:7000', LATHE_TOKEN: 'lt' },
      runtimeDir: '/home/ana/.lathe/notebooks/runtime',
    });
    expect(env).toMatchObject({
      PATH: '/usr/bin',
      JUPYTER_TOKEN: 'jt',
      PYTHONPATH: '/opt/lathe/resources/python:/mine',
      PYDEVD_DISABLE_FILE_VALIDATION: '1',
      LATHE_URL: 'http://127.0.0.1:7000',
      LATHE_TOKEN: 'lt',
      AWS_ACCESS_KEY_ID: 'lathe',
      AWS_SECRET_ACCESS_KEY: 'lt',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_EC2_METADATA_DISABLED: 'true',
      [MARKER_VARIABLE]: 'm1',
      // The server stops with its kernels when this process is gone.
      LATHE_PARENT_PID: String(process.pid),
    });
    // ipykernel picks its inline backend itself when none is set.
    expect(env.MPLBACKEND).toBeUndefined();
    const offline = serverEnv({ base: {}, token: 'jt', marker: 'm', pythonPath: '/r', lathe: {}, runtimeDir: '/x' });
    expect(offline.AWS_SECRET_ACCESS_KEY).toBeUndefined();
    expect(serverEnv({ base: {}, token: 'jt', marker: 'm', pythonPath: '/r', lathe: {}, runtimeDir: '/x', parentPid: 4242 }).LATHE_PARENT_PID).toBe('4242');
  });

  it('prints a command to paste, with the token left as a placeholder', () => {
    const command = launchCommand({ ...SPEC, workspace: '/home/ana/my work' }, '/opt/lathe/resources/python');
    expect(command).toBe(
      "JUPYTER_TOKEN=... PYDEVD_DISABLE_FILE_VALIDATION=1 PYTHONPATH=/opt/lathe/resources/python /usr/bin/python3 -m jupyter_server --config=/opt/lathe/resources/python/lathe/jupyter/jupyter_server_config.py --ServerApp.port=8123 --ServerApp.port_retries=0 --ServerApp.ip=127.0.0.1 --ServerApp.open_browser=False --ServerApp.base_url=/jupyter/ '--ServerApp.root_dir=/home/ana/my work'",
    );
  });
});

describe('the /jupyter/ proxy', () => {
  it('takes the proxy token from the Authorization header, else from the query', () => {
    expect(presentedProxyToken({ authorization: 'token abc' }, new URLSearchParams('token=zzz'))).toBe('abc');
    expect(presentedProxyToken({}, new URLSearchParams('session_id=1&token=zzz'))).toBe('zzz');
    expect(presentedProxyToken({ authorization: 'Bearer lathe' }, new URLSearchParams())).toBeNull();
  });

  it('forwards the path and query byte for byte, without the token', () => {
    expect(forwardedPath('/jupyter/api/kernels/k1/channels?session_id=a%2Fb&token=secret')).toBe('/jupyter/api/kernels/k1/channels?session_id=a%2Fb');
    expect(forwardedPath('/jupyter/api/status?token=secret')).toBe('/jupyter/api/status');
    expect(forwardedPath('/jupyter/api/contents?content=1&tokens=2')).toBe('/jupyter/api/contents?content=1&tokens=2');
    expect(forwardedPath('/jupyter/api/kernels')).toBe('/jupyter/api/kernels');
  });
});
