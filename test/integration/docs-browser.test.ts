import { existsSync, mkdirSync } from 'node:fs';
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import { buildTestApp } from '../helpers/app';

// Debian's chromium, which .ci/run installs. Without it, the test is skipped with one line on how to
// run it, except in CI, where a missing browser is a failure.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available && process.env.CI !== 'true') {
  process.stdout.write(`docs browser test skipped: no ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)\n`);
}
const ARTIFACTS = `${__dirname}/../artifacts`;

(available || process.env.CI === 'true' ? describe : describe.skip)('GET /docs in a real headless browser', () => {
  let server: Server;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    server = buildTestApp().app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    server?.close();
  });

  it('shows the registration operation, with every asset from the gateway itself', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1400 } });
    const requested: string[] = [];
    const problems: string[] = [];
    page.on('request', (request) => requested.push(request.url()));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));

    await page.goto(`${base}/docs`);
    const operation = page.locator('.opblock-post', { hasText: '/namespaces/registrations' });
    await operation.waitFor({ timeout: 20_000 });
    await operation.locator('.opblock-summary').click();
    await page.getByText('Register a cluster or serverless namespace to the Data Catalog').first().waitFor();
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: `${ARTIFACTS}/docs.png`, fullPage: false });

    await operation.getByRole('button', { name: 'Try it out' }).click();
    const idempotencyKey = operation.locator('tr[data-param-name="Idempotency-Key"] input');
    await idempotencyKey.waitFor();

    expect(await operation.locator('.opblock-summary-path').innerText()).toContain('/namespaces/registrations');
    // No fixed key for everyone: "Try it out" twice must not replay the first answer.
    expect(await idempotencyKey.inputValue()).toBe('');
    expect(requested.filter((url) => !url.startsWith(base))).toEqual([]);
    expect(problems).toEqual([]);
    // Every asset the page loads is one the gateway serves, and no other is.
    const assets = requested.filter((url) => url.startsWith(`${base}/docs/assets/`)).map((url) => url.split('/').pop());
    expect([...new Set(assets)].sort()).toEqual(['favicon-32x32.png', 'swagger-ui-bundle.js', 'swagger-ui.css']);
  }, 60_000);

  it.each(['package.json', 'README.md', 'swagger-ui-bundle.js.map', 'swagger-ui.js', 'index.html'])(
    'does not serve /docs/assets/%s, which the page does not load',
    async (file) => {
      const res = await fetch(`${base}/docs/assets/${file}`);

      expect(res.status).toBe(404);
    },
  );
});
