/** The code blocks of shard 2 of README.md and docs/*.md (test/support/doc-suite.ts). */
import { describeDocFiles, docFilesOfShard } from '../support/doc-suite.js';

describeDocFiles(docFilesOfShard(2));
