// The API's shapes, straight from the server's route schemas (type-only). The enums' values
// are imported at run time from src-main/contract/enums.ts where the UI needs them.
import type { Static } from 'typebox';
import type {
  BatchPredictionResponse,
  FeedbackRequest,
  MLRequestQuery,
  SetStatusRequest
} from '../../../src-main/contract/classic.ts';

export type {
  Algorithm,
  AlgorithmStatus,
  Endpoint,
  Inspection,
  MLRequest,
  MLRequestList,
  Prediction,
  Signature
} from '../../../src-main/contract/classic.ts';
export type {
  AbTest,
  AbTestResults,
  AbTestTimeline,
  CreateAbTest,
  StopAbTest,
  StopAbTestChange,
  StopAbTestResponse
} from '../../../src-main/contract/abtests.ts';

export type { ApiKey } from '../../../src-main/contract/access.ts';
export type {
  Compatibility,
  ContractDifferenceBody as ContractDifference,
  InputContract,
  RollbackInput,
  RollbackResult
} from '../../../src-main/contract/input-contract.ts';
export type { AlgorithmPatch, DeletedAlgorithm, EndpointPatch, MetadataChange } from '../../../src-main/contract/metadata.ts';

export type {
  SavedServingSettingsBody as SavedServingSettings,
  ServingSettingsBody as ServingSettings,
  ServingSettingsInput
} from '../../../src-main/contract/serving.ts';

export type { RefusalQueryParams as RefusalQuery, RefusalSummaryBody as RefusalSummary } from '../../../src-main/contract/refusals.ts';

export type RequestQuery = Static<typeof MLRequestQuery>;
export type SetStatus = Static<typeof SetStatusRequest>;
export type Feedback = Static<typeof FeedbackRequest>;
export type BatchPrediction = Static<typeof BatchPredictionResponse>;
export type {
  AbMetric,
  AbMode,
  AbTestState,
  AlgorithmStatusValue,
  RequestStatus,
  Task
} from '../../../src-main/contract/enums.ts';
