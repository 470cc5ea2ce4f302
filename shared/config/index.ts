export { ConfigError } from './config-error.js';
export {
  configField,
  integerField,
  numberField,
  portField,
  hostField,
  stringField,
  durationMsField,
  sizeBytesField,
  booleanField,
  enumField,
  enumListField,
  filePathField,
} from './config-fields.js';
export { defineConfig, loadConfig, envVariableName, processEnv, CONFIG_FILE_VARIABLE } from './load-config.js';
export { misspelledVariables } from './misspelled-variables.js';
export type { Config, ConfigDefinition, ConfigShape, Env } from './load-config.js';
export { serverConfigShape, LOG_LEVELS } from './server-config.js';
export { applyV8HeapSettings } from './apply-v8-heap-settings.js';
export { adminConfigShape, adminConfigProblems } from './admin-config.js';
export type { AdminConfig } from './admin-config.js';
export type { ServerConfig } from './server-config.js';
export { publicEdgeConfigShape } from './public-edge-config.js';
export type { PublicEdgeConfig } from './public-edge-config.js';
