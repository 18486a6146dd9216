// Public surface of the ONNX package: export, onnxruntime sessions, import of any .onnx, parity, CLI/UI views.
export { buildOnnx, exportOnnx, ONNX_FORMAT, type OnnxExportInfo } from './export';
export { loadOrt, openSession, int64Tensor, OnnxSession, type OnnxTensor, type SessionOptions } from './runtime';
export { decodeOnnx, describeOnnx, exposeAttention, findAttentionSoftmax, type OnnxDescription, type TensorDescription } from './inspect';
export { inputRole, openImported, openImportedFile, runImported, type ImportedModel, type ImportedResult, type ImportedToken, type InputRole } from './import';
export { checkParity, feedsFor, PARITY_TOLERANCE, type ParityReport } from './parity';
export { headMatrices, predictions, formatHead, tokenLabel, type HeadMatrix, type PositionPredictions } from './views';
