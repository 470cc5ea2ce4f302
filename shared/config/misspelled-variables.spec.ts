import assert from 'node:assert/strict';
import { z } from 'zod';
import { defineConfig } from './load-config.js';
import { misspelledVariables } from './misspelled-variables.js';

describe('misspelledVariables', () => {
  const definition = defineConfig({ maxBatchRows: z.string().optional(), port: z.string().optional() });

  it('names a near miss of a setting and the setting it probably meant', () => {
    assert.deepEqual(misspelledVariables(definition, { DLRS_MAX_BACH_ROWS: '8' }), [
      'DLRS_MAX_BACH_ROWS is not a setting of this service and is ignored; did you mean DLRS_MAX_BATCH_ROWS?',
    ]);
  });

  it("leaves settings, other services' variables and other prefixes alone", () => {
    const env = { DLRS_MAX_BATCH_ROWS: '8', DLRS_PORT: '1', DLRS_SHARD_ADDRESSES: 'a,b', DLRS_CONFIG_FILE: 'x.yaml', DLRX_PORT: '1', HOME: '/' };
    assert.deepEqual(misspelledVariables(definition, env), []);
  });
});
