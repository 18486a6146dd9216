// Chart colours for the light and dark UI themes, as plain data the pure option builders take.
export interface ChartTheme {
  /** axis labels and titles */
  text: string;
  /** split lines and axis lines */
  grid: string;
  /** series colours, in order */
  palette: string[];
  /** tooltip background */
  tooltipBackground: string;
}

// These mirror the CSS variables in styles/theme.css (--text, --border, --accent…); ECharts draws on
// a canvas and cannot read CSS variables, so the values are repeated here once.
const light: ChartTheme = {
  text: '#3b4252',
  grid: '#e3e6ee',
  palette: ['#3563e9', '#e0673b', '#2a9d6e', '#9b59d0', '#d4a017', '#d0457a', '#1b9aaa', '#7a869a'],
  tooltipBackground: '#ffffff',
};

const dark: ChartTheme = {
  text: '#c9d1e0',
  grid: '#343b4a',
  palette: ['#7aa2ff', '#ff9466', '#4fd1a1', '#c49bff', '#f2c94c', '#ff7eb0', '#52d6e6', '#a0aabb'],
  tooltipBackground: '#1f2430',
};

export function chartTheme(mode: 'light' | 'dark'): ChartTheme {
  return mode === 'dark' ? dark : light;
}
