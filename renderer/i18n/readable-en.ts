// English strings that keep pages readable for a newcomer (issue 14): how tokens are written, the heatmap's colour
// scale, and what an empty chart is waiting for.
export default {
  tokenLegend: 'Tokens are written with · for a space, ⏎ for a newline, ⇥ for a tab and ∅ for an empty piece.',
  heatmapScale: 'Attention weight',
  heatmapScaleDiverging: 'Value (red negative, blue positive)',
  heatmapZoom: 'Zoom:',
  heatmapFit: 'Fit',
  heatmapZoomHint: 'Zoom in to read the token labels; hover a cell for its value.',
  heatmapScrollHint: 'Scroll the map (Shift + wheel scrolls sideways); the labels follow.',
  positionalNone: 'This model shows no positional encodings (an ONNX model, or one that learns positions elsewhere).',
  noEvalYet: '{name} appears after the first evaluation (step {step}).',
  noEvalYetSweep: '{name} appears after the learning-rate sweep and the first evaluation (step {step}).',
  uncharted: 'Not drawn, since none of these runs recorded a point of it: {list}.',
  editSource: 'Change the text or model ↑',
};
