/** Prints the plain closing line CI reads: "N passed, N failed, N skipped". */
import type { Reporter } from 'vitest/reporters';

interface Task {
  type: string;
  mode?: string;
  result?: { state?: string };
  tasks?: Task[];
}

export default class SummaryReporter implements Reporter {
  onFinished(files: Task[] = []): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    const walk = (t: Task) => {
      if (t.tasks) t.tasks.forEach(walk);
      if (t.type !== 'test') return;
      if (t.mode === 'skip' || t.mode === 'todo') skipped++;
      else if (t.result?.state === 'pass') passed++;
      else if (t.result?.state === 'fail') failed++;
      else skipped++;
    };
    files.forEach(walk);
    const fileFailures = files.filter((f) => f.result?.state === 'fail' && !f.tasks?.length).length;
    console.log(`\n${passed} passed, ${failed + fileFailures} failed, ${skipped} skipped`);
  }
}
