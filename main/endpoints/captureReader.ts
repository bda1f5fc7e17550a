/**
 * Reads data capture back (endpoints.captured): the newest records of an endpoint's capture files
 * under `<destination>/<endpoint>/<variant>/yyyy/mm/dd/hh/*.jsonl`, newest first. It walks the hour
 * folders from the newest and reads each file from its end, so it reads only what it returns, never
 * the whole history, and asynchronously (the runtime API keeps answering meanwhile). A line that
 * does not parse is counted, not thrown; the last line of a file being written (no newline yet) is
 * left for the next read; long data is cut with a marker.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { CapturedData, CapturedPayload, CapturedRecord } from '../contract/endpoints';

/** Records returned when the request does not say. */
export const DEFAULT_RECORDS = 50;
/** Characters of each payload returned; the rest is cut with a marker. */
export const MAX_DATA_CHARS = 4096;
/** Bytes read from the end of a file at a time. */
const CHUNK_BYTES = 64 * 1024;
/** A line longer than this is skipped unread (InvokeEndpoint's 6 MiB payload, base64, twice, fits). */
const MAX_LINE_BYTES = 32 * 1024 * 1024;
/** Bytes read per call at most: past this the records found so far are returned. */
const MAX_READ_BYTES = 64 * 1024 * 1024;

export interface ReadCaptureOptions {
  /** Only this variant's records. */
  variant?: string;
  maxRecords: number;
  maxDataChars?: number;
}

export interface CaptureRead {
  Records: CapturedRecord[];
  /** Lines that did not parse as a capture record. */
  Skipped: number;
}

interface Budget {
  bytes: number;
  skipped: number;
}

/** A file's lines from the last to the first; `partial` marks the text after the file's last newline. */
async function* linesFromEnd(file: string, budget: Budget): AsyncGenerator<{ text: string | null; partial: boolean }> {
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(file, 'r');
  } catch {
    return; // gone since it was listed (a variant deleted meanwhile): nothing to read
  }
  try {
    let position = (await handle.stat()).size;
    // The bytes of the line being assembled, last piece first; null once it is too long to keep.
    let pieces: Buffer[] | null = [];
    let held = 0;
    let last = true;
    const line = () => {
      const text = pieces === null ? null : Buffer.concat(pieces.reverse()).toString('utf8');
      const result = { text, partial: last };
      pieces = [];
      held = 0;
      last = false;
      return result;
    };
    while (position > 0 && budget.bytes < MAX_READ_BYTES) {
      const size = Math.min(CHUNK_BYTES, position);
      position -= size;
      const chunk = Buffer.alloc(size);
      await handle.read(chunk, 0, size, position);
      budget.bytes += size;
      let end = size;
      for (let newline = chunk.lastIndexOf(0x0a, end - 1); newline !== -1; newline = end > 0 ? chunk.lastIndexOf(0x0a, end - 1) : -1) {
        pieces?.push(chunk.subarray(newline + 1, end));
        end = newline;
        yield line();
      }
      if (pieces !== null && end > 0) {
        held += end;
        pieces = held > MAX_LINE_BYTES ? null : [...pieces, chunk.subarray(0, end)];
      }
    }
    if (position === 0 && (pieces === null || held > 0)) yield line();
  } finally {
    await handle.close();
  }
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function payloadOf(value: unknown, maxChars: number): CapturedPayload | null | undefined {
  if (value === undefined) return undefined;
  if (!isObject(value) || typeof value.data !== 'string' || typeof value.observedContentType !== 'string' || typeof value.encoding !== 'string') return null;
  const data = value.data;
  if (data.length <= maxChars) return { ContentType: value.observedContentType, Encoding: value.encoding, Data: data };
  return { ContentType: value.observedContentType, Encoding: value.encoding, Data: `${data.slice(0, maxChars)}… [truncated: ${data.length.toLocaleString('en-US')} characters in all]`, OriginalLength: data.length };
}

/** One JSONL line as a record, or null when it is not one. */
export function parseCaptureLine(text: string, variant: string, file: string, maxChars = MAX_DATA_CHARS): CapturedRecord | null {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isObject(raw) || !isObject(raw.captureData) || !isObject(raw.eventMetadata)) return null;
  const meta = raw.eventMetadata;
  if (typeof meta.eventId !== 'string' || typeof meta.inferenceTime !== 'string' || Number.isNaN(Date.parse(meta.inferenceTime))) return null;
  const input = payloadOf(raw.captureData.endpointInput, maxChars);
  const output = payloadOf(raw.captureData.endpointOutput, maxChars);
  if (input === null || output === null || (input === undefined && output === undefined)) return null;
  return {
    Variant: variant,
    File: file,
    EventId: meta.eventId,
    InferenceTime: meta.inferenceTime,
    ...(typeof meta.inferenceId === 'string' ? { InferenceId: meta.inferenceId } : {}),
    ...(input ? { Input: input } : {}),
    ...(output ? { Output: output } : {}),
  };
}

/** The entries of `folder` whose names match, highest first; none when it is not a folder. */
async function namesDescending(folder: string, pattern: RegExp, directories: boolean): Promise<string[]> {
  let entries: fs.Dirent[];
  try {
    entries = await fs.promises.readdir(folder, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries
    .filter((entry) => (directories ? entry.isDirectory() : entry.isFile()) && pattern.test(entry.name))
    .map((entry) => entry.name)
    .sort((a, b) => (a < b ? 1 : a > b ? -1 : 0));
}

/** A variant's hour folders (yyyy/mm/dd/hh), newest first, found one at a time. */
async function* hoursNewestFirst(variantFolder: string): AsyncGenerator<string> {
  for (const year of await namesDescending(variantFolder, /^\d{4}$/, true)) {
    for (const month of await namesDescending(path.join(variantFolder, year), /^\d{2}$/, true)) {
      for (const day of await namesDescending(path.join(variantFolder, year, month), /^\d{2}$/, true)) {
        for (const hour of await namesDescending(path.join(variantFolder, year, month, day), /^\d{2}$/, true)) yield path.join(variantFolder, year, month, day, hour);
      }
    }
  }
}

const timeOf = (record: CapturedRecord) => Date.parse(record.InferenceTime);

/** Newest first; records of the same second keep the order they were read in (newest first). */
const newestFirst = (records: CapturedRecord[]) => records.sort((a, b) => timeOf(b) - timeOf(a));

/** The newest `max` records of one file, newest first. */
async function readFile(file: string, variant: string, max: number, maxChars: number, budget: Budget): Promise<CapturedRecord[]> {
  const records: CapturedRecord[] = [];
  for await (const { text, partial } of linesFromEnd(file, budget)) {
    if (text !== null && text.trim() === '') continue;
    const record = text === null ? null : parseCaptureLine(text, variant, file, maxChars);
    if (record) records.push(record);
    // A last line without its newline is being written: not garbage, just not there yet.
    else if (!partial) budget.skipped++;
    if (records.length >= max) break;
  }
  return records;
}

/** One variant's newest `max` records: whole hours from the newest until there are enough. */
async function readVariant(variantFolder: string, variant: string, max: number, maxChars: number, budget: Budget): Promise<CapturedRecord[]> {
  const records: CapturedRecord[] = [];
  for await (const hour of hoursNewestFirst(variantFolder)) {
    // Files of one hour may overlap in time (a Lathe restarted within the hour): each gives its newest.
    const inHour: CapturedRecord[] = [];
    for (const name of await namesDescending(hour, /\.jsonl$/, false)) inHour.push(...(await readFile(path.join(hour, name), variant, max, maxChars, budget)));
    records.push(...newestFirst(inHour));
    if (records.length >= max || budget.bytes >= MAX_READ_BYTES) break;
  }
  return records.slice(0, max);
}

/** The newest records under an endpoint's capture folder (`<destination>/<endpoint>`), newest first. */
export async function readCaptured(endpointFolder: string, options: ReadCaptureOptions): Promise<CaptureRead> {
  const budget: Budget = { bytes: 0, skipped: 0 };
  const maxChars = options.maxDataChars ?? MAX_DATA_CHARS;
  const variants = (await namesDescending(endpointFolder, /^[a-zA-Z0-9-]+$/, true)).filter((v) => options.variant === undefined || v === options.variant);
  const records: CapturedRecord[] = [];
  for (const variant of variants) records.push(...(await readVariant(path.join(endpointFolder, variant), variant, options.maxRecords, maxChars, budget)));
  return { Records: newestFirst(records).slice(0, options.maxRecords), Skipped: budget.skipped };
}

/** endpoints.captured from the endpoint's capture settings: Enabled false and no records when it captures nothing. */
export async function capturedData(
  capture: { endpoint: string; destination?: string; settings: { folder: string; samplingPercentage: number } | null },
  request: { VariantName?: string; MaxRecords?: number },
): Promise<CapturedData> {
  if (!capture.settings) return { EndpointName: capture.endpoint, Enabled: false, ...(capture.destination ? { Destination: capture.destination } : {}), Records: [], Skipped: 0 };
  const folder = path.join(capture.settings.folder, capture.endpoint);
  const read = await readCaptured(folder, { maxRecords: request.MaxRecords ?? DEFAULT_RECORDS, ...(request.VariantName ? { variant: request.VariantName } : {}) });
  return { EndpointName: capture.endpoint, Enabled: true, ...(capture.destination ? { Destination: capture.destination } : {}), Folder: folder, SamplingPercentage: capture.settings.samplingPercentage, ...read };
}
