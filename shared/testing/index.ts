export { REQUIRE_TOOLS_VARIABLE, skipForMissingTool } from './skip-for-missing-tool.js';
