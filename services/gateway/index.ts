export { runGateway } from './run-gateway.js';
export { startGateway } from './start-gateway.js';
export type { GatewayModel, RunningGateway } from './start-gateway.js';
export { gatewayConfigDefinition, gatewayLimits, loadGatewayConfig } from './gateway-config.js';
export type { GatewayConfig } from './gateway-config.js';
