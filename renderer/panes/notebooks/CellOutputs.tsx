import { memo, useMemo } from 'react';
import { SafeHtml } from '../../components/SafeHtml';
import { AnsiText } from '../jobs/AnsiText';
import { joinText, terminalText, type Output } from './nbformat';
import { chooseOutput } from './outputMime';

/** A cell's outputs as Jupyter shows them; never raw HTML, never a script. */
export const CellOutputs = memo(function CellOutputs({ outputs, label }: { outputs: readonly Output[]; label: string }) {
  if (outputs.length === 0) return null;
  return (
    <div className="nb-outputs" role="group" aria-label={label}>
      {outputs.map((output, i) => (
        <OutputView key={i} output={output} />
      ))}
    </div>
  );
});

function OutputView({ output }: { output: Output }) {
  switch (output.output_type) {
    case 'stream': {
      const name = output.name === 'stderr' ? 'stderr' : 'stdout';
      return (
        <pre className={`nb-output nb-stream nb-${name}`} data-output-type="stream" data-stream={name}>
          <AnsiText line={terminalText(joinText(output.text))} />
        </pre>
      );
    }
    case 'error': {
      const traceback = Array.isArray(output.traceback) ? output.traceback.map(String).join('\n') : '';
      return (
        <pre className="nb-output nb-error" data-output-type="error">
          <AnsiText line={traceback || `${String(output.ename ?? 'Error')}: ${String(output.evalue ?? '')}`} />
        </pre>
      );
    }
    case 'execute_result':
    case 'display_data':
      return <MimeView data={output.data} metadata={output.metadata} type={output.output_type} />;
    default:
      return (
        <p className="nb-output muted" data-output-type="unknown">
          An output of type “{String(output.output_type)}” (kept in the file as it is).
        </p>
      );
  }
}

function MimeView({ data, metadata, type }: { data: unknown; metadata: unknown; type: string }) {
  const shown = useMemo(() => chooseOutput(data, metadata), [data, metadata]);
  switch (shown.kind) {
    case 'image':
      return (
        <div className="nb-output nb-image" data-output-type={type} data-mime={shown.mime}>
          <img src={shown.src} alt={`Output image (${shown.mime})`} width={shown.width} height={shown.height} />
        </div>
      );
    case 'html':
      return <SafeHtml sanitized={shown.html} className={`nb-output nb-html${shown.mime === 'text/markdown' ? ' nb-markdown' : ''}`} testId={`output-${type}`} />;
    case 'json':
      return (
        <pre className="nb-output nb-json" data-output-type={type} data-mime="application/json">
          {shown.text}
        </pre>
      );
    case 'text':
      return (
        <pre className="nb-output nb-text" data-output-type={type} data-mime={shown.mime}>
          <AnsiText line={shown.text} />
        </pre>
      );
    default:
      return (
        <p className="nb-output muted" data-output-type={type}>
          Nothing Lathe can show safely ({shown.mimes.join(', ') || 'no data'}).
        </p>
      );
  }
}
