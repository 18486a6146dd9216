// Task progress store: the latest task.progress event per task id, so any page can show a progress bar.
import { defineStore } from 'pinia';
import { reactive } from 'vue';
import type { EventPayload } from '../../common/api';
import { onEvent } from '../api';

export type Progress = EventPayload<'task.progress'>;

export const useTasksStore = defineStore('tasks', () => {
  const byId = reactive(new Map<string, Progress>());
  let unsubscribe: (() => void) | null = null;

  function start(): void {
    if (unsubscribe) return;
    unsubscribe = onEvent('task.progress', (p) => {
      byId.set(p.taskId, p);
    });
  }

  function get(taskId: string | null): Progress | undefined {
    return taskId ? byId.get(taskId) : undefined;
  }

  function forget(taskId: string | null): void {
    if (taskId) byId.delete(taskId);
  }

  return { start, get, forget };
});
