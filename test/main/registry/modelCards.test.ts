import { describe, expect, it } from 'vitest';
import { cardFileName, cardToHtml, cardToMarkdown, missingSections, prefillCard, type CardFacts } from '../../../main/registry/modelCards';

const facts: CardFacts = {
  title: 'FraudDetectionModels v1',
  description: 'XGBoost Fraud v1.0 - AUC 0.97',
  owner: 'ana',
  training: { name: 'fraud-xgb', algorithm: 'xgboost', channels: [{ name: 'train', uri: 's3://lathe-demo/fraud/train' }], hyperparameters: { eta: '0.2', max_depth: '5' } },
  metrics: [{ MetricName: 'validation:auc', Value: 0.509849389 }],
  evaluation: { testDataUrl: 's3://lathe-demo/fraud/test', rows: 2000 },
};

describe('model cards', () => {
  it('prefill training data, metrics and owner from what Lathe knows, and leave the human sections empty', () => {
    const card = prefillCard(facts);
    expect(card.TrainingData).toBe('Trained by job fraud-xgb (xgboost).\n- train: s3://lathe-demo/fraud/train\nHyperparameters: eta=0.2, max_depth=5');
    expect(card.Metrics).toBe('- validation:auc: 0.509849\nEvaluated on s3://lathe-demo/fraud/test (2000 rows).');
    expect(card.Owner).toBe('ana');
    expect(missingSections(card)).toEqual(['IntendedUse', 'Limitations', 'EthicalConsiderations']);
    expect(prefillCard({ ...facts, training: null, metrics: [], evaluation: null })).toMatchObject({ TrainingData: '', Metrics: '' });
  });

  it('count a blank section as missing', () => {
    const card = { ...prefillCard(facts), IntendedUse: '  \n ', Limitations: 'x', EthicalConsiderations: 'y' };
    expect(missingSections(card)).toEqual(['IntendedUse']);
  });

  it('export as Markdown with every section, and as HTML with the text escaped and no script', () => {
    const card = { ...prefillCard(facts), IntendedUse: 'Review <script>alert(1)</script> & "flag"', Limitations: 'line one\nline two' };
    const md = cardToMarkdown(facts.title, card);
    expect(md).toContain('# Model card: FraudDetectionModels v1');
    expect(md).toContain('## Intended use\n\nReview <script>alert(1)</script> & "flag"\n');
    expect(md).toContain('## Ethical considerations\n\n_Not written yet._');
    const html = cardToHtml('<b>v1</b>', card);
    expect(html).toContain('<title>Model card: &lt;b&gt;v1&lt;/b&gt;</title>');
    expect(html).toContain('Review &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;flag&quot;');
    expect(html).toContain('line one<br>\nline two');
    expect(html).not.toMatch(/<script/i);
    expect(cardFileName('FraudDetectionModels v1', 'html')).toBe('FraudDetectionModels-v1-model-card.html');
    expect(cardFileName('a/b', 'markdown')).toBe('a-b-model-card.md');
  });
});
