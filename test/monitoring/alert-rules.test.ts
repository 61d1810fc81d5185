/**
 * docs/monitoring.md shows the KQL the alert rules run, and cannot drift from it: both come from
 * src/emit/infra/alert-queries.ts, and the page must hold the generated text for the defaults of
 * `monitoring.alerts`, in kusto code blocks, character for character.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ALERT_DEFAULTS } from '../../src/config/transport-security.ts';
import { denialSpikeQuery, newToolQuery } from '../../src/emit/infra/alert-queries.ts';

const doc = readFileSync('docs/monitoring.md', 'utf8');
const kustoBlocks = [...doc.matchAll(/```kusto\n([\s\S]*?)\n```/g)].map((m) => m[1]);

describe('docs/monitoring.md and the alert rules', () => {
  it('shows the new-tool query of the rule, for the default look-back', () => {
    assert.ok(kustoBlocks.includes(newToolQuery({ lookbackHours: ALERT_DEFAULTS.lookbackHours })), 'regenerate the new-tool KQL in docs/monitoring.md from newToolQuery()');
  });

  it('shows the denial-spike query of the rule, for the default threshold and window', () => {
    assert.ok(kustoBlocks.includes(denialSpikeQuery({ threshold: ALERT_DEFAULTS.threshold, windowMinutes: ALERT_DEFAULTS.windowMinutes })), 'regenerate the denial-spike KQL in docs/monitoring.md from denialSpikeQuery()');
  });

  it('documents the defaults the config applies', () => {
    assert.match(doc, new RegExp(`newTool: \\{ lookbackHours: ${ALERT_DEFAULTS.lookbackHours} \\}`));
    assert.match(doc, new RegExp(`denialSpike: \\{ threshold: ${ALERT_DEFAULTS.threshold}, windowMinutes: ${ALERT_DEFAULTS.windowMinutes} \\}`));
    assert.match(doc, new RegExp(`severity: ${ALERT_DEFAULTS.severity} `));
  });
});
