// Closing the window while training jobs run: ask whether to stop them (each saves a checkpoint) or keep them running.
import { app, dialog, type BrowserWindow } from 'electron';
import type { Lab } from '../lab/index';

const TEXT = {
  en: {
    message: (n: number) => `${n} training job${n === 1 ? ' is' : 's are'} running or queued.`,
    detail: 'Stop them: each run saves a checkpoint and can be resumed later. Keep them running: the window hides, '
      + 'training goes on, and the app quits by itself when the last job ends (start Attention Lab again to see them).',
    buttons: ['Stop them and quit', 'Keep them running', 'Cancel'],
  },
  'zh-CN': {
    message: (n: number) => `有 ${n} 个训练任务正在运行或排队。`,
    detail: '停止：每个运行都会保存检查点，之后可以继续。保持运行：窗口隐藏，训练继续，最后一个任务结束后应用自动退出（再次启动 Attention Lab 即可查看）。',
    buttons: ['停止并退出', '保持运行', '取消'],
  },
} as const;

export function guardCloseWhileJobsRun(win: BrowserWindow, lab: Lab): void {
  let closing = false;
  win.on('close', (event) => {
    if (closing) return;
    const { running, queued } = lab.jobs.scheduler.snapshot();
    const live = [...running, ...queued];
    if (live.length === 0) return;
    event.preventDefault();
    void lab.handlers['settings.get']({}).then(async ({ language }) => {
      const text = TEXT[language];
      const { response } = await dialog.showMessageBox(win, {
        type: 'question', message: text.message(live.length), detail: text.detail,
        buttons: [...text.buttons], defaultId: 0, cancelId: 2, noLink: true,
      });
      if (response === 0) {
        // queued runs first, so none of them starts while the running ones save their checkpoints
        const scheduler = lab.jobs.scheduler;
        for (const id of [...queued, ...running]) scheduler.stop(id);
        await scheduler.idle(live);
        closing = true;
        win.close();
      } else if (response === 1) {
        win.hide();
        lab.jobs.scheduler.onSettled(() => {
          const now = lab.jobs.scheduler.snapshot();
          if (now.running.length + now.queued.length === 0) app.quit();
        });
      }
    });
  });
}
