import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium: `.ci/run` installs it with apt-get; locally it may be absent. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

const LAUNCH_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

/** Where the README's screenshots live; written only with UPDATE_SCREENSHOTS=1. */
export const SCREENSHOT_DIR = join(__dirname, '..', '..', 'docs', 'screenshots');

/**
 * `describe` for a browser suite. Without Chromium the suite is skipped with a message, except
 * in CI (`CI=true`), where a missing browser is a failure: CI must run these tests.
 */
export function describeInBrowser(name: string, suite: () => void): void {
  if (existsSync(CHROMIUM_PATH)) {
    describe(name, suite);
    return;
  }
  if (process.env.CI === 'true') {
    describe(name, () => {
      it('needs Chromium', () => {
        throw new Error(`${CHROMIUM_PATH} is missing: CI installs Debian's chromium package (.ci/run) before the tests`);
      });
    });
    return;
  }
  console.warn(`browser tests skipped ("${name}"): ${CHROMIUM_PATH} is not installed (apt-get install chromium to run them)`);
  describe.skip(name, suite);
}

/**
 * One Chromium per test file. Playwright gives a non-persistent launch a fresh temporary
 * user-data-dir of its own and deletes it on close.
 */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: LAUNCH_ARGS, timeout: 30_000 });
}

/** A fresh context (cookies, storage) per test or per person, pointed at the app. */
export async function newContext(browser: Browser, baseURL: string): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL, viewport: { width: 1100, height: 800 }, deviceScaleFactor: 1, locale: 'en-US', timezoneId: 'UTC' });
  context.setDefaultTimeout(10_000);
  context.setDefaultNavigationTimeout(15_000);
  return context;
}

interface Violation {
  id: string;
  impact?: string | null;
  help: string;
  helpUrl: string;
  nodes: Array<{ target: unknown[]; failureSummary?: string }>;
}

/** The violations as lines a person can act on: rule, impact, what to fix, and where. */
export function describeViolations(violations: Violation[]): string {
  return violations
    .map((v) => {
      const where = v.nodes.map((n) => `    at ${n.target.map(String).join(' ')}${n.failureSummary ? `\n      ${n.failureSummary.replace(/\n/g, '\n      ')}` : ''}`).join('\n');
      return `- ${v.id} (${v.impact}): ${v.help} <${v.helpUrl}>\n${where}`;
    })
    .join('\n');
}

const BLOCKING = new Set(['serious', 'critical']);

/**
 * Runs axe-core on the page as it is and fails on any serious or critical violation, listing
 * each with its elements. Minor and moderate findings are returned (and printed with AXE_REPORT=1).
 */
export async function axeCheck(page: Page, label = page.url()): Promise<Violation[]> {
  // Legacy mode runs axe in the page itself instead of finishing in a new page: our pages have
  // no cross-origin frames, and it halves the time per page.
  const results = await new AxeBuilder({ page }).setLegacyMode(true).analyze();
  const blocking = results.violations.filter((v) => BLOCKING.has(v.impact ?? ''));
  const other = results.violations.filter((v) => !BLOCKING.has(v.impact ?? ''));
  if (process.env.AXE_REPORT === '1' && other.length > 0) console.log(`accessibility (minor/moderate) on ${label}:\n${describeViolations(other)}`);
  if (blocking.length > 0) {
    throw new Error(`accessibility: ${blocking.length} serious or critical violation(s) on ${label}:\n${describeViolations(blocking)}`);
  }
  return results.violations;
}

/** Saves `docs/screenshots/<name>.png` when UPDATE_SCREENSHOTS=1, so CI never dirties the tree. */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (process.env.UPDATE_SCREENSHOTS !== '1') return;
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true, animations: 'disabled' });
}

/** axe, then the screenshot: what every page of the browser suites goes through. */
export async function checkPage(page: Page, name: string): Promise<void> {
  await axeCheck(page, name);
  await screenshot(page, name);
}
