export type {
  ElementType,
  ModelOptions,
  ModelSignature,
  OutputKind,
  OutputKindHint,
  Prediction,
  Task,
  TensorInfo
} from './signature.ts';
export type { ValidRecord } from './record-encoder.ts';
export { inspectModel, OnnxModel, sessionOptions, type SessionCopy } from './onnx-model.ts';
export { SessionWorker, type WorkerSession } from './session-worker.ts';
