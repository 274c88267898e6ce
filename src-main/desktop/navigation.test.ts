import { describe, expect, it } from 'vitest';
import { decideNavigation, isAppFrame, mayOpenExternally } from './navigation.ts';

const app = 'http://127.0.0.1:8765';

describe('where the desktop window lets a URL go (issue 20, item 14)', () => {
  it('keeps its own origin in the window', () => {
    expect(decideNavigation(`${app}/#/models`, app)).toBe('stay');
    expect(decideNavigation(`${app}/docs`, app)).toBe('stay');
  });

  it('opens https anywhere, and http only on this machine, in the user\'s browser', () => {
    for (const url of ['https://onnx.ai/', 'https://github.com/org/repo', 'http://localhost:3000/', 'http://127.0.0.1:9000/x', 'http://127.5.6.7/', 'http://[::1]:8080/']) {
      expect(decideNavigation(url, app), url).toBe('open-externally');
      expect(mayOpenExternally(url), url).toBe(true);
    }
  });

  it('refuses every other scheme and remote http, instead of handing them to the operating system', () => {
    for (const url of [
      'file:///etc/passwd',
      'smb://attacker/share',
      'javascript:alert(1)',
      'ms-msdt:/id PCWDiagnostic',
      'vscode://file/x',
      'mailto:a@b.c',
      'http://example.com/',
      'http://127.0.0.1.evil.com/',
      'http://1270.0.0.1/',
      'not a url'
    ]) {
      expect(decideNavigation(url, app), url).toBe('refuse');
      expect(mayOpenExternally(url), url).toBe(false);
    }
  });
});

describe('who may ask the main process for the token and the dialogs', () => {
  it('only the app\'s own page, in its main frame', () => {
    expect(isAppFrame({ url: `${app}/#/server`, isMainFrame: true }, app)).toBe(true);
    expect(isAppFrame({ url: `${app}/`, isMainFrame: false }, app)).toBe(false);
    expect(isAppFrame({ url: 'https://example.com/', isMainFrame: true }, app)).toBe(false);
    expect(isAppFrame({ url: 'http://127.0.0.1:9999/', isMainFrame: true }, app)).toBe(false);
    expect(isAppFrame({ url: 'file:///tmp/x.html', isMainFrame: true }, app)).toBe(false);
    expect(isAppFrame(null, app)).toBe(false);
  });
});
