// The data layer every service uses: one query object per table family, their statements prepared once per connection.
import type Database from 'better-sqlite3';
import { DatasetQueries } from './datasets';
import { ExperimentQueries } from './experiments';
import { RunQueries } from './runs';
import { Seq2seqQueries } from './seq2seq';
import { SettingsQueries } from './settings';
import { TokenizerQueries } from './tokenizers';

export class Store {
  readonly datasets: DatasetQueries;
  readonly tokenizers: TokenizerQueries;
  readonly runs: RunQueries;
  readonly experiments: ExperimentQueries;
  readonly settings: SettingsQueries;
  readonly seq2seq: Seq2seqQueries;

  constructor(readonly db: Database.Database) {
    this.datasets = new DatasetQueries(db);
    this.tokenizers = new TokenizerQueries(db);
    this.runs = new RunQueries(db);
    this.experiments = new ExperimentQueries(db);
    this.settings = new SettingsQueries(db);
    this.seq2seq = new Seq2seqQueries(db);
  }
}
