import { Plus, Trash2 } from 'lucide-react';
import type { AlgorithmInfo, HyperparameterInfo } from '../../../main/contract/training';
import { FieldError } from './FieldMessage';
import { addExtraHyperparameter, defaultText, type FormErrors, type JobDraft } from './jobForm';

interface Props {
  draft: JobDraft;
  algorithm: AlgorithmInfo | null;
  errors: FormErrors;
  setValue(name: string, value: string): void;
  update(change: (draft: JobDraft) => JobDraft, touched?: string[]): void;
}

function range(info: HyperparameterInfo): string | null {
  const low = info.min === undefined ? null : `${info.minExclusive ? '>' : '≥'} ${info.min}`;
  const high = info.max === undefined ? null : `≤ ${info.max}`;
  return low && high ? `${low}, ${high}` : (low ?? high);
}

function ValueInput({ info, value, invalid, describedBy, onChange }: { info: HyperparameterInfo; value: string; invalid: boolean; describedBy: string | undefined; onChange(value: string): void }) {
  const common = {
    id: `hp-${info.name}`,
    'data-testid': `hp-${info.name}`,
    'aria-invalid': invalid ? true : undefined,
    'aria-describedby': describedBy,
  };
  const type = info.type as string;
  const choices = type === 'boolean' ? ['true', 'false'] : type === 'categorical' && info.values && info.values.length > 0 ? info.values : null;
  if (choices) {
    return (
      <select {...common} value={value} onChange={(e) => onChange(e.target.value)}>
        {!info.required && <option value="">{info.default !== undefined ? `(default: ${defaultText(info)})` : '(not set)'}</option>}
        {info.required && value === '' && <option value="">Choose…</option>}
        {!choices.includes(value) && value !== '' && <option value={value}>{value}</option>}
        {choices.map((choice) => (
          <option key={choice} value={choice}>
            {choice}
          </option>
        ))}
      </select>
    );
  }
  const numeric = type === 'integer' || type === 'continuous';
  return (
    <input
      {...common}
      type="text"
      inputMode={numeric ? (type === 'integer' ? 'numeric' : 'decimal') : undefined}
      spellCheck={false}
      value={value}
      placeholder={info.required ? 'required' : defaultText(info) || 'not set'}
      onChange={(e) => onChange(e.target.value)}
    />
  );
}

/** The algorithm's hyperparameters with their defaults, types, ranges and descriptions, plus any extra ones. */
export function HyperparametersField({ draft, algorithm, errors, setValue, update }: Props) {
  const infos = algorithm?.hyperparameters ?? [];
  return (
    <fieldset className="form-section">
      <legend>Hyperparameters</legend>
      {infos.length > 0 && (
        <table className="table hp-table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Value</th>
              <th scope="col">What it does</th>
            </tr>
          </thead>
          <tbody>
            {infos.map((info) => {
              const key = `hp.${info.name}`;
              const message = errors.fields[key];
              const errorId = `hp-${info.name}-error`;
              const descriptionId = `hp-${info.name}-description`;
              return (
                <tr key={info.name}>
                  <td>
                    <label htmlFor={`hp-${info.name}`}>
                      <code>{info.name}</code>
                      {info.required && <span className="required-mark" aria-label="required"> *</span>}
                    </label>
                  </td>
                  <td className="hp-value">
                    <ValueInput
                      info={info}
                      value={draft.hyperparameters[info.name] ?? ''}
                      invalid={key in errors.fields}
                      describedBy={[message ? errorId : null, descriptionId].filter(Boolean).join(' ')}
                      onChange={(value) => setValue(info.name, value)}
                    />
                    <FieldError id={errorId} message={message} />
                  </td>
                  <td id={descriptionId} className="hp-description">
                    {info.description}
                    <span className="muted">
                      {' '}
                      ({info.type as string}
                      {range(info) ? `, ${range(info)}` : ''})
                    </span>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {draft.extraHyperparameters.length > 0 && (
        <ul className="extra-hps">
          {draft.extraHyperparameters.map((extra, i) => {
            const key = `extra.${extra.id}`;
            const change = (patch: Partial<typeof extra>) =>
              update((d) => ({ ...d, extraHyperparameters: d.extraHyperparameters.map((e) => (e.id === extra.id ? { ...e, ...patch } : e)) }), [key]);
            return (
              <li key={extra.id} className="field-row">
                <input type="text" aria-label={`Hyperparameter ${i + 1} name`} placeholder="name" spellCheck={false} value={extra.key} onChange={(e) => change({ key: e.target.value })} aria-invalid={key in errors.fields ? true : undefined} />
                <input type="text" aria-label={`Hyperparameter ${i + 1} value`} placeholder="value" spellCheck={false} value={extra.value} onChange={(e) => change({ value: e.target.value })} />
                <button
                  type="button"
                  className="button button-icon"
                  aria-label={`Remove hyperparameter ${extra.key || i + 1}`}
                  onClick={() => update((d) => ({ ...d, extraHyperparameters: d.extraHyperparameters.filter((e) => e.id !== extra.id) }), [key])}
                >
                  <Trash2 size={14} aria-hidden="true" />
                </button>
                <FieldError id={`${key}-error`} message={errors.fields[key]} />
              </li>
            );
          })}
        </ul>
      )}
      {algorithm === null && (
        <div>
          <button type="button" className="button button-small" onClick={() => update(addExtraHyperparameter)}>
            <Plus size={12} aria-hidden="true" /> Add hyperparameter
          </button>
          <span className="muted"> Your script receives them as --name value arguments and in SM_HPS.</span>
        </div>
      )}
    </fieldset>
  );
}
