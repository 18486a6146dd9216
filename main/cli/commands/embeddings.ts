// `attention-lab embeddings …`: static word embeddings (train, neighbours, analogies, import/export: issue 15a) and the
// projector's layouts (project: 15b). Each subcommand is one entry of EMBEDDINGS_SUBCOMMANDS.
import type { CliCommand, CommandGroup } from '../command';
import { projectCommand } from './embeddings-project';

export const EMBEDDINGS_SUBCOMMANDS: CliCommand[] = [
  projectCommand,
];

export const embeddingsCommands: CommandGroup = {
  name: 'embeddings',
  summary: 'word embeddings and the embedding projector (project a run\'s vectors to 2D/3D)',
  commands: EMBEDDINGS_SUBCOMMANDS,
};
