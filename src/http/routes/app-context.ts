/** What every resource handler needs, built once at start-up. */
import type { Model } from '../../model/model-types.js';
import type { Store } from '../../store/store.js';
import type { JobRunner } from '../../write/bulk/job-runner.js';
import type { FileService } from '../../write/files/file-service.js';
import type { RecordValidator } from '../../write/record-validator.js';
import type { IndexAdvisor } from '../query/index-advisor.js';
import type { ChangeFeed } from '../realtime/change-feed.js';

export interface AppContext {
  model: Model;
  store: Store;
  validator: RecordValidator;
  /** Warns once per list-query shape that scans or sorts a large table without an index. */
  indexAdvisor: IndexAdvisor;
  /** Change streams: GET with `Accept: text/event-stream` (docs/realtime.md). */
  feed?: ChangeFeed;
  /** File fields' storage, uploads and sweeps (docs/files.md); absent when no resource has one. */
  files?: FileService;
  /** Import jobs run by this instance, and the jobs table every instance reads. */
  jobs: JobRunner;
}
