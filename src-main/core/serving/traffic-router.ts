/**
 * Where a prediction goes when an A/B test runs on its endpoint. The experiments module
 * implements it; serving only asks. Kept as an interface so serving does not depend on
 * experiments (experiments depends on serving's request log instead).
 */
export interface RouteDecision {
  abTestId: number;
  algorithmId: number;
  /** shadow mode: algorithms that run on the same input and are logged, never returned */
  shadowAlgorithmIds: number[];
}

export interface TrafficRouter {
  route(endpointId: number, clientKey: string | null): RouteDecision | null;
}
