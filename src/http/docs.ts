import { Router } from 'express';
// The package's main module loads the whole Swagger UI bundle into memory; only its path is needed.
import getAbsoluteFSPath from 'swagger-ui-dist/absolute-path';
import type { Contract } from './contract';

// Swagger UI, served from the swagger-ui-dist package by the gateway itself (no CDN). Its styles
// are partly inline, so the docs page's policy allows inline styles; scripts come from 'self' only.
const DOCS_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "connect-src 'self'; font-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

const INDEX_HTML = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Redshift namespace registration gateway: API</title>
  <link rel="icon" type="image/png" href="/docs/assets/favicon-32x32.png">
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/docs/init.js"></script>
</body>
</html>
`;

const INIT_JS = `window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  tryItOutEnabled: false,
  persistAuthorization: false,
});
`;

// The files of swagger-ui-dist that the page loads; the package's README, package.json, source maps
// and other bundles are not served (and the image deletes them: a test checks the Dockerfile keeps these).
export const PAGE_ASSETS: ReadonlySet<string> = new Set([
  'swagger-ui.css',
  'swagger-ui-bundle.js',
  'favicon-32x32.png',
]);

/** GET /openapi.json (the contract as the gateway validates it) and GET /docs (Swagger UI). */
export function createDocsRoutes(contract: Contract): Router {
  const router = Router();
  const contractJson = JSON.stringify(contract.document);
  router.get('/openapi.json', (_req, res) => {
    res.type('application/json').send(contractJson);
  });
  router.use('/docs', (_req, res, next) => {
    res.set('Content-Security-Policy', DOCS_CSP);
    next();
  });
  router.get('/docs', (_req, res) => {
    res.type('html').send(INDEX_HTML);
  });
  router.get('/docs/init.js', (_req, res) => {
    res.type('application/javascript').send(INIT_JS);
  });
  const assets = getAbsoluteFSPath();
  router.get('/docs/assets/:file', (req, res, next) => {
    if (!PAGE_ASSETS.has(req.params.file)) {
      next();
      return;
    }
    res.sendFile(req.params.file, { root: assets, maxAge: '1d', immutable: true });
  });
  return router;
}
