// The column description BaseTable takes.
export interface Column {
  key: string;
  label: string;
  align?: 'left' | 'right';
}
