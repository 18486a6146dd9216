// Formatting every side shows the same way: sizes in bytes (the app's pages and the CLI print them alike).

/** 1536 → "1.5 KB" (binary steps, one decimal above bytes) */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}
