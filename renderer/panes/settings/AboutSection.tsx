import { useAppInfoStore } from '../../state/appInfoStore';
import { CopyButton } from '../../components/CopyButton';

/** Where this Lathe keeps things, so a person can find the logs or back up the data folder. */
export function AboutSection() {
  const info = useAppInfoStore((s) => s.info);
  const error = useAppInfoStore((s) => s.error);
  if (!info) return error ? <p className="muted">Could not read this Lathe's details: {error.message}</p> : null;
  const rows: Array<[string, string]> = [
    ['Data folder', info.home],
    ['Metadata store', info.storePath],
    ['Logs', info.logsDir],
  ];
  return (
    <section className="field about" aria-labelledby="about-heading" data-testid="about">
      <h2 id="about-heading">About this Lathe</h2>
      <p className="muted">
        Lathe {info.version} · process {info.pid}
      </p>
      <dl>
        {rows.map(([label, value]) => (
          <div key={label} className="about-row">
            <dt>{label}</dt>
            <dd>
              <code>{value}</code> <CopyButton text={value} />
            </dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
