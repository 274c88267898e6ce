import { describe, expect, it } from 'vitest';
import { answerJson, type PredictionAnswer } from './answers.ts';

/** The request log stores each answer without request_id; the HTTP body is built from that text. */
function viaLog(answer: PredictionAnswer): string {
  const { request_id: _id, ...logged } = answer;
  return answerJson(answer, JSON.stringify(logged));
}

const common = { algorithm_id: 3, version: '1.0', ab_test_id: null };

describe('answerJson', () => {
  it('gives exactly the JSON of the answer, request_id in its classic place, for every answer shape', () => {
    const answers: PredictionAnswer[] = [
      {
        probability: 0.25,
        label: '>50K',
        status: 'OK',
        request_id: 41,
        probabilities: { '<=50K': 0.75, '>50K': 0.25 },
        ...common,
        outputs: { output_label: ['>50K'], output_probability: [[0.75, 0.25]] }
      },
      // a label that itself reads like the text the splice looks for
      { probability: null, label: 'x","status":"OK"', status: 'OK', request_id: 7, probabilities: null, ...common, outputs: {} },
      { prediction: [151.5, -2], status: 'OK', request_id: 8, ...common, outputs: { variable: [[151.5, -2]] } },
      { status: 'OK', request_id: 9, ...common, outputs: { y: [1] } },
      { status: 'Error', message: 'the model failed: "status":"OK"', request_id: null, ...common }
    ];
    for (const answer of answers) {
      expect(viaLog(answer)).toBe(JSON.stringify(answer));
      expect(JSON.parse(viaLog(answer))).toEqual(answer);
    }
  });
});
