// The data layer every service uses: one query object per table family, their statements prepared once per connection.
import type Database from 'better-sqlite3';
import { DatasetQueries } from './datasets';
import { ExperimentQueries } from './experiments';
import { RunQueries } from './runs';
import { Seq2seqQueries } from './seq2seq';
import { SettingsQueries } from './settings';
import { TokenizerQueries } from './tokenizers';
import { BookmarkQueries } from './projector-bookmarks';
import { ProjectorSourceQueries } from './projector-sources';
import type { ExternalRunData } from '../reports/import/types';
import { insertExternalRun, MetricPointQueries, ReportQueries, type ExternalRunExtra } from './reports';

export class Store {
  readonly datasets: DatasetQueries;
  readonly tokenizers: TokenizerQueries;
  readonly runs: RunQueries;
  readonly experiments: ExperimentQueries;
  readonly settings: SettingsQueries;
  readonly seq2seq: Seq2seqQueries;

  private lazy: { reports?: ReportQueries; metricPoints?: MetricPointQueries; bookmarks?: BookmarkQueries; projectorSources?: ProjectorSourceQueries } = {};

  constructor(readonly db: Database.Database) {
    this.datasets = new DatasetQueries(db);
    this.tokenizers = new TokenizerQueries(db);
    this.runs = new RunQueries(db);
    this.experiments = new ExperimentQueries(db);
    this.settings = new SettingsQueries(db);
    this.seq2seq = new Seq2seqQueries(db);
  }

  // made on first use: only the reports and projector services need them

  /** saved reports and their pins */
  get reports(): ReportQueries {
    return (this.lazy.reports ??= new ReportQueries(this.db));
  }

  /** a run's metric points page by page (report exports) */
  get metricPoints(): MetricPointQueries {
    return (this.lazy.metricPoints ??= new MetricPointQueries(this.db));
  }

  /** the embedding projector's bookmarks */
  get bookmarks(): BookmarkQueries {
    return (this.lazy.bookmarks ??= new BookmarkQueries(this.db));
  }

  /** the runs the embedding projector can show */
  get projectorSources(): ProjectorSourceQueries {
    return (this.lazy.projectorSources ??= new ProjectorSourceQueries(this.db));
  }

  /** Records an imported run (TensorBoard, CSV …) with its metrics in one transaction; returns its id. */
  insertExternalRun(run: ExternalRunData, extra: ExternalRunExtra): number {
    return insertExternalRun(this.db, run, extra);
  }
}
