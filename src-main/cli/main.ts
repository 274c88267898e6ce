import { Command } from 'commander';
import { addBundleCommands } from './bundle.ts';
import { addKeyCommands } from './keys.ts';
import { addMonitoringCommands } from './monitoring.ts';
import { addPredictCommand } from './predict.ts';
import { addServeCommand } from './serve.ts';

/**
 * `modeldesk` on the command line (`npm run serve`, `npm run cli -- …`): serve, export, import,
 * predict, keys, reference, drift.
 * The CLI is an entry point: it may use core, server, contract and db; nothing imports it.
 */
const program = new Command()
  .name('modeldesk')
  .description('ModelDesk: serve ONNX models on your own machine')
  .showHelpAfterError();

addServeCommand(program);
addBundleCommands(program);
addPredictCommand(program);
addKeyCommands(program);
addMonitoringCommands(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  console.error(`modeldesk: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
