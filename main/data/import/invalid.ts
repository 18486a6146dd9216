// Collects skipped lines/files for the import summary: keeps the first MAX_INVALID_KEPT, counts all.
import { MAX_INVALID_KEPT, type InvalidEntry } from './types';

export class InvalidLog {
  readonly entries: InvalidEntry[] = [];
  count = 0;

  add(file: string, line: number, message: string): void {
    this.count++;
    if (this.entries.length < MAX_INVALID_KEPT) this.entries.push({ file, line, message });
  }
}
