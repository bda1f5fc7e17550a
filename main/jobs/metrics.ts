/**
 * Metric points from a job's output (sagemaker-contracts.md §1.8): MetricDefinitions regexes, the
 * first capture group parsed as a float, and Lathe's structured `#lathe {"metric": …}` lines. Pure.
 */
import { invalid } from '../api/errors';

export interface MetricDefinition {
  Name: string;
  Regex: string;
}

export interface MetricPoint {
  name: string;
  value: number;
  /** The step the line gave, else the number of points of this metric seen before it. */
  step: number;
}

export interface MetricParser {
  /** Points found in one line of stdout or stderr. */
  parse(line: string): MetricPoint[];
  /** The last value of each metric: FinalMetricDataList. */
  finals(): Map<string, number>;
}

export function compileMetricDefinitions(definitions: readonly MetricDefinition[]): Array<{ name: string; regex: RegExp }> {
  if (definitions.length > 40) throw invalid(`MetricDefinitions has ${definitions.length} entries; SageMaker allows at most 40.`);
  return definitions.map((definition, i) => {
    try {
      // SageMaker's regexes are Java/Python flavoured; the common subset works the same here.
      return { name: definition.Name, regex: new RegExp(definition.Regex) };
    } catch (error) {
      throw invalid(`MetricDefinitions[${i}].Regex ${JSON.stringify(definition.Regex)} is not a valid regular expression: ${(error as Error).message}`);
    }
  });
}

export function createMetricParser(definitions: readonly MetricDefinition[]): MetricParser {
  const compiled = compileMetricDefinitions(definitions);
  const counts = new Map<string, number>();
  const last = new Map<string, number>();
  const record = (name: string, value: number, step?: number): MetricPoint => {
    const seen = counts.get(name) ?? 0;
    counts.set(name, seen + 1);
    last.set(name, value);
    return { name, value, step: step ?? seen };
  };
  return {
    parse(line) {
      const points: MetricPoint[] = [];
      if (line.startsWith('#lathe ')) {
        try {
          const data = JSON.parse(line.slice(7)) as { metric?: unknown; value?: unknown; step?: unknown };
          if (typeof data.metric === 'string' && typeof data.value === 'number' && Number.isFinite(data.value)) {
            points.push(record(data.metric, data.value, Number.isInteger(data.step) ? (data.step as number) : undefined));
          }
        } catch {
          // Not a structured line after all: treat it as plain output.
        }
        return points;
      }
      for (const { name, regex } of compiled) {
        const match = regex.exec(line);
        const value = match?.[1] === undefined ? NaN : Number.parseFloat(match[1]);
        if (Number.isFinite(value)) points.push(record(name, value));
      }
      return points;
    },
    finals: () => new Map(last),
  };
}
