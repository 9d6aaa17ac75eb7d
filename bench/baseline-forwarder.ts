// The benchmark's baseline: a bare node:http server that makes the same SDK call, through the same
// assumed-role credentials and HTTP handler, to the same emulator, and nothing else: no validation,
// authentication, policy, logging or metrics. What the gateway adds is measured against it.
import http from 'node:http';
import { RegisterNamespaceCommand } from '@aws-sdk/client-redshift';
import { createAwsClients } from '../src/aws/clients';
import { loadConfig } from '../src/config';

const config = loadConfig();
const { redshift: client } = createAwsClients(config.aws.targets[0]!, config.aws, config.upstream);

const server = http.createServer((req, res) => {
  if (req.method === 'GET') {
    res.writeHead(200).end();
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const input = JSON.parse(Buffer.concat(chunks).toString('utf8')) as RegisterNamespaceCommand['input'];
    client.send(new RegisterNamespaceCommand(input)).then(
      (output) =>
        res.writeHead(202, { 'Content-Type': 'application/json' }).end(JSON.stringify({ Status: output.Status })),
      () => res.writeHead(502).end(),
    );
  });
});
server.listen(config.server.port, config.server.host, () => process.stdout.write('baseline listening\n'));
process.once('SIGTERM', () => server.close(() => process.exit(0)));
