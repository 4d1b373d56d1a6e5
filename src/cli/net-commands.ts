/** probe, serve and decode: the engines over real TCP, and the decoder on pasted hex. */
import { UsageError, type ParsedArgs } from './args.ts';
import type { CliIo } from './main.ts';

export async function netCommand(args: ParsedArgs, io: CliIo): Promise<number> {
  void io;
  throw new UsageError(`${args.command} is not available yet`);
}
