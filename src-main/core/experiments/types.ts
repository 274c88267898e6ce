import type { AbMetric, AbMode, AbTestState } from '../../contract/enums.ts';
import type { AlgorithmStatusValue } from '../registry/types.ts';
import type { VerdictResult } from './stats/verdict.ts';

export type { AbMetric, AbMode };

export interface AbArm {
  position: number;
  algorithmId: number;
  weight: number;
  previousStatus: AlgorithmStatusValue | null;
}

export interface StopOutcome {
  promotedAlgorithmId: number | null;
  forced: boolean;
  reason: string;
}

/** What the test stored when it stopped: the final results and what was done with them. */
export interface StoredResult {
  results: AbResultsView;
  outcome: StopOutcome;
}

export interface AbTest {
  id: number;
  title: string;
  endpointId: number;
  endpointName: string;
  mode: AbMode;
  metric: AbMetric;
  createdBy: string;
  createdAt: string;
  endedAt: string | null;
  summary: string | null;
  state: AbTestState;
  minimumDetectableDifference: number | null;
  arms: AbArm[];
  stored: StoredResult | null;
}

export interface CreateAbTestInput {
  title: string;
  createdBy: string;
  arms: { algorithmId: number; weight?: number }[];
  mode?: AbMode;
  metric?: AbMetric;
  minimumDetectableDifference?: number;
  /** start although an arm breaks the endpoint's input contract (with a reason, kept in its status history) */
  allowBreakingChange?: boolean;
  reason?: string;
}

export interface StopAbTestInput {
  /** stop without promoting any arm, whatever the verdict: each arm gets its previous status back */
  keepProduction?: boolean;
  forceWinner?: number;
  reason?: string;
  createdBy?: string;
}

/** Live (or frozen) results in the API's shape (src-main/contract/abtests.ts AbResults). */
export interface AbResultsView {
  computed_at: string;
  metric: AbMetric;
  higher_is_better: boolean;
  arms: {
    algorithm_id: number;
    arm: string;
    name: string;
    version: string;
    weight: number;
    requests: number;
    /** refused with a 4xx (included in requests, counted as errors) */
    refused?: number;
    feedback: number;
    metric: number | null;
    ci_low: number | null;
    ci_high: number | null;
    error_rate: number | null;
    latency_p50_us: number | null;
    latency_p95_us: number | null;
  }[];
  comparison: {
    difference: number | null;
    p_value: number | null;
    test: string;
    sequential_p_value: number | null;
    sequential_test: string;
    minimum_detectable_difference: number;
    required_sample_size_per_arm: number | null;
    additional_feedback_needed: number | null;
  };
  verdict: {
    code: VerdictResult['verdict'];
    winner_algorithm_id: number | null;
    text: string;
    decided_by: string;
  };
}
