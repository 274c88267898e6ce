export type {
  ElementType,
  ModelOptions,
  ModelSignature,
  Prediction,
  Task,
  TensorInfo
} from './signature.ts';
export type { ValidRecord } from './record-encoder.ts';
export { inspectModel, OnnxModel, type RunPlace } from './onnx-model.ts';
export { SessionWorker } from './session-worker.ts';
