import { describe, expect, it } from 'vitest';
import type { Experiment } from '../../../main/contract/experiments';
import { experimentMatches, parseExperimentFilter } from '../../../main/experiments/experimentFilter';

const fraud: Experiment = {
  experimentId: '3', name: 'fraud-xgb', artifactLocation: '/a', lifecycleStage: 'active', creationTime: 1000, lastUpdateTime: 5000, tags: { team: 'risk', 'mlflow.note': 'x' }, runCount: 2,
};

describe("MLflow's experiment filter", () => {
  it.each([
    ["name = 'fraud-xgb'", true],
    ["attributes.name LIKE 'fraud%'", true],
    ["name LIKE 'FRAUD%'", false],
    ["name ILIKE 'FRAUD%'", true],
    ["name != 'fraud-xgb'", false],
    ["tags.team = 'risk'", true],
    ["tags.`mlflow.note` = 'x'", true],
    ["tags.team = 'risk' and name LIKE '%xgb'", true],
    ["tags.owner = 'me'", false],
    ['creation_time >= 1000 AND last_update_time < 6000', true],
    ['last_update_time > 5000', false],
    ['', true],
  ])('%s', (filter, expected) => {
    expect(experimentMatches(fraud, parseExperimentFilter(filter))).toBe(expected);
  });

  it.each([
    ["owner = 'me'", /expected name, tags.<key>, creation_time or last_update_time/],
    ['name = fraud', /quoted string/],
    ["creation_time > '5'", /compares with a number/],
    ["name > 'a'", /strings take =, !=, LIKE or ILIKE/],
    ["name = 'a' and", /ends with AND/],
  ])('refuses %s, saying what is wrong', (filter, message) => {
    expect(() => parseExperimentFilter(filter)).toThrow(message);
  });
});
