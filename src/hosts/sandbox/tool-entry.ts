// Entry point of dist/sandbox-tool.js: a bundle of the simulated Windows tools only, so each simulated command starts
// a small process.
import {sandboxToolMain} from './tool-main.ts';

await sandboxToolMain(process.argv.slice(2));
