import { readFileSync, mkdtempSync } from 'node:fs';
import { execSync } from 'node:child_process';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
const D = process.env.D ?? '/work/main/dist';
const { startDaemon, brainsEnv, BRAINS_CLI } = await import(`${D}/bench/daemon-process.js`);
const { BrainsClient } = await import(`${D}/rpc/client.js`);
const { projectWith } = await import(`${D}/bench/messages-setup.js`);
const home = mkdtempSync('/tmp/m/h-');
const daemon = await startDaemon(home);
const admin = await BrainsClient.connect(daemon.socket);
await projectWith(admin, 'mcpsend', ['tx', 'sink']);
const env = Object.fromEntries(Object.entries(brainsEnv(home)).filter((e) => e[1] !== undefined));

const client = new Client({ name: 'b', version: '0' });
const transport = new StdioClientTransport({ command: process.execPath, args: [...(process.env.PROF ? ['--cpu-prof', '--cpu-prof-dir=/tmp/m/prof'] : []), BRAINS_CLI, 'mcp', '--no-start'], env, stderr: 'inherit' });
await client.connect(transport);
await client.listTools();
await client.callTool({ name: 'join_project', arguments: { project_id: 'mcpsend', agent_name: 'mcp-tx' } });
const cpu = (pid) => { const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' '); return (Number(f[11]) + Number(f[12])) * 10; }; // ms
const self = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const N = Number(process.env.N ?? 5000);
const send = () => client.callTool({ name: 'send_message', arguments: { project_id: 'mcpsend', from_agent: 'mcp-tx', to_agent: 'sink', payload: { n: 1 } } });
for (let i = 0; i < Number(process.env.W ?? 300); i++) await send();
const mpid = transport.pid;
for (let r = 0; r < Number(process.env.R ?? 3); r++) {
  const a = [cpu(daemon.pid), cpu(mpid), self()]; const t = performance.now();
  for (let i = 0; i < N; i++) await send();
  const el = performance.now() - t; const b = [cpu(daemon.pid), cpu(mpid), self()];
  console.log(`rate ${(N / el * 1000).toFixed(0)}/s  per call ${(el / N * 1000).toFixed(0)}us  cpu us/call daemon ${((b[0]-a[0])/N*1000).toFixed(0)} mcp ${((b[1]-a[1])/N*1000).toFixed(0)} client ${((b[2]-a[2])/N*1000).toFixed(0)}`);
}
// socket
{ const t = performance.now(); const a = [cpu(daemon.pid), self()];
  for (let i = 0; i < N; i++) await admin.call('message.send', { project_id: 'mcpsend', from_agent: 'tx', to_agent: 'sink', payload: { n: 1 } });
  const el = performance.now() - t; const b = [cpu(daemon.pid), self()];
  console.log(`socket rate ${(N / el * 1000).toFixed(0)}/s daemon ${((b[0]-a[0])/N*1000).toFixed(0)} client ${((b[1]-a[1])/N*1000).toFixed(0)}`); }
await client.close(); await admin.close(); await daemon.stop();
execSync(`rm -rf ${home}`);
