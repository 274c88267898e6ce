import { expect, type Locator, type Page } from '@playwright/test';

/** Playground: endpoint/algorithm choice, the generated form, the result and feedback. */
export class PlaygroundPage {
  readonly result: Locator;

  constructor(readonly page: Page) {
    this.result = page.getByTestId('prediction-result');
  }

  async chooseEndpoint(name: string): Promise<void> {
    await this.page.getByTestId('playground-endpoint').click();
    await this.page.getByRole('option', { name, exact: true }).click();
    await expect(this.page.getByTestId('playground-endpoint')).toHaveValue(name);
  }

  field(key: string): Locator {
    return this.page.getByTestId(`field-${key}`);
  }

  async fill(values: Record<string, string | number>): Promise<void> {
    for (const [key, value] of Object.entries(values)) await this.field(key).fill(String(value));
  }

  async predict(): Promise<void> {
    await this.page.getByTestId('predict-submit').click();
    await expect(this.result).toBeVisible();
  }

  label(): Locator {
    return this.page.getByTestId('prediction-label');
  }

  async requestId(): Promise<number> {
    const text = await this.page.getByTestId('prediction-request-id').innerText();
    return Number(/#(\d+)/.exec(text)?.[1]);
  }

  /** Picks the true class among the classifier's classes (saved when picked). */
  async giveFeedback(value: string): Promise<void> {
    await this.page.getByTestId('playground-feedback-input').click();
    await this.page.getByRole('option', { name: value, exact: true }).click();
    await expect(this.page.getByTestId('playground-feedback-save')).toHaveAttribute('data-saved', 'true');
  }

  snippet(kind: 'curl' | 'python' | 'javascript'): Locator {
    return this.page.getByTestId(`snippet-${kind}`);
  }

  async showSnippet(kind: 'curl' | 'python' | 'javascript'): Promise<Locator> {
    const label = { curl: 'curl', python: 'Python', javascript: 'JavaScript' }[kind];
    await this.page.getByTestId('code-snippets').getByRole('tab', { name: label }).click();
    return this.snippet(kind);
  }
}
