import type { SystemInfo } from '../contract/model';

const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(1)} GiB`;

/** `lathe system`: what this machine offers Lathe, and what to fix. */
export function formatSystem(info: SystemInfo): string {
  const lines = [
    `CPU     ${info.cpu.model} — ${info.cpu.logicalCores} logical / ${info.cpu.physicalCores} physical cores`,
    `Memory  ${gib(info.memory.totalBytes)} total, ${gib(info.memory.availableBytes)} available`,
    `OS      ${info.os.distro} ${info.os.release} (${info.os.platform}/${info.os.arch})`,
    `GPU     ${info.gpu.message}`,
  ];
  for (const gpu of info.gpu.gpus) {
    const memory = gpu.memoryTotalMiB === null ? '' : ` ${(gpu.memoryTotalMiB / 1024).toFixed(0)} GiB`;
    lines.push(`          [${gpu.index}] ${gpu.name}${memory}${gpu.migMode === 'enabled' ? ' (MIG)' : ''}`);
  }
  if (info.gpu.hint) lines.push(`          → ${info.gpu.hint}`);
  lines.push(`Python  ${info.python.selected ?? 'no usable interpreter found'}`);
  for (const env of info.python.envs) {
    const mark = env.ok ? 'ok' : env.error ? 'broken' : 'incomplete';
    lines.push(`          ${env.path} (${env.source}) Python ${env.pythonVersion ?? '?'} — ${mark}`);
    if (env.error) lines.push(`            ${env.error}`);
    for (const pkg of env.packages) if (pkg.installCommand) lines.push(`            missing ${pkg.name}: ${pkg.installCommand}`);
  }
  lines.push(`Docker  ${info.docker.available ? `${info.docker.version} (API ${info.docker.apiVersion})` : info.docker.message}`);
  if (info.docker.hint) lines.push(`          → ${info.docker.hint}`);
  return lines.join('\n') + '\n';
}
