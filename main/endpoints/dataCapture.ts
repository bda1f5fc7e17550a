/**
 * Data capture in SageMaker's JSONL format (sagemaker-contracts.md §5.3): a sampled share of an
 * endpoint's requests and answers, one JSON object per line, in files under
 * `<DestinationS3Uri>/<endpoint>/<variant>/yyyy/mm/dd/hh/` in Lathe's object store. Lines are
 * buffered briefly and appended in order; nothing is lost on dispose.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { resolveDataUri } from '../jobs/dataUri';
import type { Logger } from '../log/logger';

export interface CaptureSettings {
  samplingPercentage: number;
  /** The destination folder on this machine. */
  folder: string;
  input: boolean;
  output: boolean;
  csvTypes: string[];
  jsonTypes: string[];
}

interface DataCaptureConfig {
  EnableCapture?: boolean;
  InitialSamplingPercentage: number;
  DestinationS3Uri: string;
  CaptureOptions: Array<{ CaptureMode: 'Input' | 'Output' | 'InputAndOutput' }>;
  CaptureContentTypeHeader?: { CsvContentTypes?: string[]; JsonContentTypes?: string[] };
}

/** The capture settings of an endpoint config, or null when it captures nothing. */
export function captureSettingsOf(config: unknown, objectStore: string): CaptureSettings | null {
  const capture = config as DataCaptureConfig | undefined;
  if (!capture || capture.EnableCapture === false || capture.InitialSamplingPercentage <= 0) return null;
  const modes = new Set(capture.CaptureOptions.map((o) => o.CaptureMode));
  return {
    samplingPercentage: capture.InitialSamplingPercentage,
    folder: resolveDataUri(capture.DestinationS3Uri, objectStore, 'DataCaptureConfig.DestinationS3Uri'),
    input: modes.has('Input') || modes.has('InputAndOutput'),
    output: modes.has('Output') || modes.has('InputAndOutput'),
    csvTypes: capture.CaptureContentTypeHeader?.CsvContentTypes ?? ['text/csv'],
    jsonTypes: capture.CaptureContentTypeHeader?.JsonContentTypes ?? ['application/json'],
  };
}

const mediaType = (contentType: string) => contentType.split(';', 1)[0]!.trim().toLowerCase();

function captured(body: Buffer, contentType: string, mode: 'INPUT' | 'OUTPUT', settings: CaptureSettings) {
  const type = mediaType(contentType);
  const encoding = settings.csvTypes.map(mediaType).includes(type) ? 'CSV' : settings.jsonTypes.map(mediaType).includes(type) ? 'JSON' : 'BASE64';
  return { observedContentType: contentType, mode, data: encoding === 'BASE64' ? body.toString('base64') : body.toString('utf8'), encoding };
}

export interface CapturedCall {
  input: { body: Buffer; contentType: string };
  output: { body: Buffer; contentType: string };
  inferenceId?: string;
  at: Date;
}

/** One JSONL record, as SageMaker writes it. */
export function captureRecord(call: CapturedCall, settings: CaptureSettings, eventId: string = randomUUID()): Record<string, unknown> {
  return {
    captureData: {
      ...(settings.input ? { endpointInput: captured(call.input.body, call.input.contentType, 'INPUT', settings) } : {}),
      ...(settings.output ? { endpointOutput: captured(call.output.body, call.output.contentType, 'OUTPUT', settings) } : {}),
    },
    eventMetadata: { eventId, ...(call.inferenceId ? { inferenceId: call.inferenceId } : {}), inferenceTime: call.at.toISOString().replace(/\.\d{3}Z$/, 'Z') },
    eventVersion: '0',
  };
}

const pad = (n: number) => String(n).padStart(2, '0');

export class CaptureWriter {
  /** Lines waiting per file. */
  private readonly pending = new Map<string, string[]>();
  /** The file each (endpoint, variant, hour) writes to. */
  private readonly files = new Map<string, string>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly logger: Logger) {}

  /** Records the call if the sample draw (0 ≤ draw < 100) falls inside the sampling percentage. */
  capture(endpoint: string, variant: string, settings: CaptureSettings, call: CapturedCall, draw = Math.random() * 100): void {
    if (draw >= settings.samplingPercentage) return;
    const at = call.at;
    const hour = path.join(settings.folder, endpoint, variant, String(at.getUTCFullYear()), pad(at.getUTCMonth() + 1), pad(at.getUTCDate()), pad(at.getUTCHours()));
    let file = this.files.get(hour);
    if (!file) {
      file = path.join(hour, `${pad(at.getUTCMinutes())}-${pad(at.getUTCSeconds())}-${randomUUID().slice(0, 8)}.jsonl`);
      this.files.set(hour, file);
    }
    const lines = this.pending.get(file) ?? [];
    lines.push(JSON.stringify(captureRecord(call, settings)));
    this.pending.set(file, lines);
    this.timer ??= setTimeout(() => this.flush(), 100);
  }

  /** Appends every waiting line to its file. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const [file, lines] of this.pending) {
      try {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.appendFileSync(file, lines.join('\n') + '\n');
      } catch (error) {
        this.logger.error(`data capture could not write ${lines.length} records to ${file}`, error);
      }
    }
    this.pending.clear();
  }

  dispose(): void {
    this.flush();
  }
}
