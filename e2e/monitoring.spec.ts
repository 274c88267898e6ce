import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect, test } from './fixtures.ts';
import { MonitoringPage } from './pages/MonitoringPage.ts';
import { screenshot } from './support/screenshots.ts';
import { adultCsv, adultRecords } from './support/adult.ts';

/**
 * Monitoring in the app: a day of serving history, a reference profile uploaded in the UI, then
 * only people aged 50+ arrive: the drift table flags age and its correlates, a feature's
 * histograms show the shift, and the Models page badges the production version.
 */
test('monitor health, quality and drift of the income classifier', async ({ shell, server, models }, testInfo) => {
  test.setTimeout(180_000);
  const page = shell.page;
  const monitoring = new MonitoringPage(page);
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${server.url}/api/v1${path}`, { ...init, headers: { 'content-type': 'application/json', ...shell.authHeaders(), ...init.headers } });

  await test.step('before any traffic: empty states say what to do', async () => {
    await shell.go('monitoring');
    await expect(page.getByTestId('monitoring-no-traffic')).toBeVisible();
    await expect(page.getByTestId('reference-empty')).toContainText('Upload its training data (CSV or JSON Lines');
  });

  await test.step('a day of traffic to the logistic regression, with feedback', async () => {
    // The calls are real (batch predict); their log rows are then copied back over the past day, as
    // a server running since yesterday would have logged them, so the charts have a day to show.
    const records = adultRecords({ heldOut: true });
    const answers = await api('/income_classifier/predict?algorithm_id=2', { method: 'POST', body: JSON.stringify(records.map((r) => r.record)) });
    expect(answers.status).toBe(200);
    const copies = spreadOverTheLastDay(join(server.dataDir, 'modeldesk.db'), records.map((r) => r.income));
    await monitoring.waitForRequests(records.length + copies);
  });

  await test.step('health charts over 24 hours', async () => {
    for (const chart of ['chart-throughput', 'chart-errors', 'chart-latency', 'chart-batch', 'chart-quality']) await expect(page.getByTestId(chart)).toBeVisible();
    await expect(page.getByTestId('quality-summary')).toContainText('Predictions with feedback');
    await screenshot(page, 'monitoring-health');
    await page.getByTestId('chart-quality').scrollIntoViewIfNeeded();
    await screenshot(page, 'monitoring-quality');
  });

  await test.step('a reference profile from the training file, uploaded here', async () => {
    const file = testInfo.outputPath('adult-training.csv');
    writeFileSync(file, adultCsv({ heldOut: false }));
    await monitoring.setReference(file);
    await expect(page.getByTestId('reference-summary')).toContainText('adult-training.csv (26048 rows, predictions from 10000 of them; columns not used: income)');
  });

  await test.step('only people aged 50+ arrive: age and its correlates drift, and the prediction', async () => {
    const older = adultRecords({ heldOut: true }).filter((r) => Number(r.record.age) >= 50);
    const res = await api('/income_classifier/predict', { method: 'POST', body: JSON.stringify(older.map((r) => r.record)) });
    expect(res.status).toBe(200);
    await expect(async () => {
      await page.reload();
      await expect(page.getByTestId('dataset-verdict')).toHaveAttribute('data-verdict', 'drift', { timeout: 5000 });
    }).toPass({ timeout: 45_000 });
    await expect(monitoring.row('age')).toHaveAttribute('data-verdict', 'drift');
    await expect(monitoring.row('marital_status')).toHaveAttribute('data-verdict', 'drift');
    await expect(monitoring.row('race')).toHaveAttribute('data-verdict', 'no_drift');
    await expect(page.getByTestId('prediction-verdict')).toHaveAttribute('data-verdict', 'drift');
    await page.getByTestId('drift-section').scrollIntoViewIfNeeded();
    await page.getByTestId('dataset-sentence').scrollIntoViewIfNeeded();
    await screenshot(page, 'monitoring-drift');
  });

  await test.step('a feature\'s histograms: the reference with the current window laid over it', async () => {
    await monitoring.row('age').click();
    await expect(monitoring.histogram).toHaveAttribute('data-column', 'age');
    await expect(monitoring.histogram).toContainText('26,048 reference rows');
    await monitoring.histogram.scrollIntoViewIfNeeded();
    await screenshot(page, 'monitoring-histogram');
  });

  await test.step('the Models page badges the drifting production version', async () => {
    await shell.go('models');
    await expect(page.getByTestId('monitoring-alert-1')).toContainText('Drift');
    await expect(models.row('logistic regression')).not.toContainText('Drift');
  });
});

/**
 * Copies the log rows just written back over the past 24 hours, as more and less busy quarter
 * hours, with the ground truth given a few minutes after each prediction (a share of it, wrong
 * labels included, so quality varies), and a few model failures one afternoon.
 */
function spreadOverTheLastDay(file: string, truths: string[]): number {
  const db = new Database(file, { timeout: 10_000 });
  try {
    const logged = db.prepare("select * from requests where algorithm_id = 2 and status = 'OK' order by id").all() as Record<string, unknown>[];
    // ten copies of each: a quarter hour then holds a few hundred predictions, as on a served day
    const rows = Array.from({ length: logged.length * 10 }, (_, i) => logged[i % logged.length]!);
    const insert = db.prepare(
      `insert into requests (endpoint_id, algorithm_id, ab_test_id, shadow, input, response, label, status, latency_us, client_key, feedback, feedback_at, created_at)
       values (@endpoint_id, @algorithm_id, null, 0, @input, @response, @label, @status, @latency_us, null, @feedback, @feedback_at, @created_at)`
    );
    const now = Date.now();
    let copies = 0;
    db.transaction(() => {
      rows.forEach((row, i) => {
        const at = now - 23.5 * 3_600_000 + Math.floor((i / rows.length) * 23.3 * 3_600_000);
        const hour = new Date(at).getUTCHours();
        // quieter at night: drop some rows there
        if ((hour < 6 || hour > 21) && i % 3 !== 0) return;
        const failed = hour === 15 && i % 40 === 0;
        const truth = truths[i % truths.length] ?? '';
        const labelled = i % 4 !== 0;
        // the last hours' ground truth disagrees more often: the quality chart shows a step
        const wrong = i / rows.length > 0.75 ? i % 3 === 0 : i % 7 === 0;
        const feedback = labelled ? (wrong ? (truth === '>50K' ? '<=50K' : '>50K') : truth) : '';
        insert.run({
          ...row,
          status: failed ? 'Error' : 'OK',
          label: failed ? 'error' : row.label,
          // slower in the busy daytime hours, with a spread from one prediction to the next
          latency_us: Math.round(Number(row.latency_us) * (hour >= 9 && hour <= 17 ? 1.4 : 1) * (0.7 + ((i * 7919) % 997) / 997)) + 300,
          feedback,
          feedback_at: labelled ? new Date(at + 300_000 + (i % 50) * 60_000).toISOString() : null,
          created_at: new Date(at).toISOString()
        });
        copies++;
      });
    })();
    return copies;
  } finally {
    db.close();
  }
}
