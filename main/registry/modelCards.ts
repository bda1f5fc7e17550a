/**
 * Model cards as pure functions: a card prefilled from what Lathe knows of a version (its training
 * job, metrics, evaluation and owner), whether a card is complete, and its Markdown and HTML
 * exports. The sections a person must write (intended use, limitations, ethical considerations)
 * start empty: a prefilled card is never complete on its own.
 */
import { MODEL_CARD_FIELDS, type ModelCardContent, type ModelCardField } from '../contract/registry';

export const CARD_TITLES: Record<ModelCardField, string> = {
  IntendedUse: 'Intended use',
  TrainingData: 'Training data',
  Metrics: 'Metrics',
  Limitations: 'Limitations',
  EthicalConsiderations: 'Ethical considerations',
  Owner: 'Owner',
};

export interface CardFacts {
  title: string;
  description: string | null;
  owner: string;
  training: {
    name: string;
    algorithm: string;
    channels: Array<{ name: string; uri: string }>;
    hyperparameters: Record<string, string>;
  } | null;
  metrics: Array<{ MetricName: string; Value: number }>;
  evaluation: { testDataUrl: string; rows: number | null } | null;
}

const formatValue = (value: number) => (Number.isInteger(value) ? String(value) : value.toPrecision(6).replace(/\.?0+$/, ''));

export function prefillCard(facts: CardFacts): ModelCardContent {
  const training = facts.training
    ? [
        `Trained by job ${facts.training.name} (${facts.training.algorithm}).`,
        ...facts.training.channels.map((c) => `- ${c.name}: ${c.uri}`),
        ...(Object.keys(facts.training.hyperparameters).length > 0
          ? [`Hyperparameters: ${Object.entries(facts.training.hyperparameters).map(([k, v]) => `${k}=${v}`).join(', ')}`]
          : []),
      ].join('\n')
    : '';
  const metrics = [
    ...facts.metrics.map((m) => `- ${m.MetricName}: ${formatValue(m.Value)}`),
    ...(facts.evaluation ? [`Evaluated on ${facts.evaluation.testDataUrl}${facts.evaluation.rows !== null ? ` (${facts.evaluation.rows} rows)` : ''}.`] : []),
  ].join('\n');
  return { IntendedUse: '', TrainingData: training, Metrics: metrics, Limitations: '', EthicalConsiderations: '', Owner: facts.owner };
}

/** The sections still empty (blank counts as empty), in card order. */
export function missingSections(content: ModelCardContent): ModelCardField[] {
  return MODEL_CARD_FIELDS.filter((field) => content[field].trim() === '');
}

export function cardToMarkdown(title: string, content: ModelCardContent): string {
  const sections = MODEL_CARD_FIELDS.map((field) => `## ${CARD_TITLES[field]}\n\n${content[field].trim() || '_Not written yet._'}\n`);
  return `# Model card: ${title}\n\n${sections.join('\n')}`;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/**
 * A standalone HTML page with no script and no markup from the card: every section is escaped
 * text, lines kept as written.
 */
export function cardToHtml(title: string, content: ModelCardContent): string {
  const sections = MODEL_CARD_FIELDS.map((field) => {
    const text = content[field].trim();
    return `<section><h2>${CARD_TITLES[field]}</h2>${text ? `<p>${escapeHtml(text).replace(/\n/g, '<br>\n')}</p>` : '<p class="empty">Not written yet.</p>'}</section>`;
  });
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    `<title>Model card: ${escapeHtml(title)}</title>`,
    '<style>body{font:15px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#1d2330}h1{font-size:1.5rem}h2{font-size:1.1rem;margin-top:1.5rem}.empty{color:#7a8194;font-style:italic}</style>',
    '</head><body>',
    `<h1>Model card: ${escapeHtml(title)}</h1>`,
    ...sections,
    '</body></html>',
    '',
  ].join('\n');
}

/** A file name for the export: the version's title with anything unsafe replaced. */
export function cardFileName(title: string, format: 'markdown' | 'html'): string {
  return `${title.replace(/[^A-Za-z0-9._-]+/g, '-')}-model-card.${format === 'markdown' ? 'md' : 'html'}`;
}
