/** The code blocks of shard 3 of README.md and docs/*.md (test/support/doc-suite.ts). */
import { describeDocFiles, docFilesOfShard } from '../support/doc-suite.js';

describeDocFiles(docFilesOfShard(3));
