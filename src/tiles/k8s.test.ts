import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { k8sJob } from './k8s.js';
import { jobSchema } from './k8sJobSchema.testutil.js';
import { makePlan, writePlan } from './plan.js';
import { denseModel, inputs, ntk } from './run.testutil.js';

const dir = mkdtempSync(join(tmpdir(), 'ntk-k8s-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
denseModel(join(dir, 'm.json'), 2);
inputs(join(dir, 'x.npy'), 250, 4, 1);
const run = join(dir, 'run');
writePlan(run, makePlan({ model: join(dir, 'm.json'), x1: join(dir, 'x.npy'), get: 'ntk', tile: 100 }));
const validate = new Ajv({ allErrors: true, strict: true }).compile(jobSchema);

test('ntk tiles k8s writes an Indexed Job that validates against the batch/v1 Job schema', () => {
  const r = ntk([
    'tiles',
    'k8s',
    run,
    '--image',
    'registry.example/ntk:1',
    '--parallelism',
    '3',
    '--claim',
    'ntk-data',
    '--mem',
    '2Gi',
    '--cpus',
    '2',
  ]);
  assert.equal(r.status, 0, r.stderr);
  const job = parse(r.stdout) as {
    spec: {
      completions: number;
      parallelism: number;
      completionMode: string;
      template: { spec: { containers: { command: string[] }[] } };
    };
  };
  assert.ok(validate(job), JSON.stringify(validate.errors));
  assert.equal(job.spec.completionMode, 'Indexed');
  assert.equal(job.spec.completions, 6); // 3 block rows, upper triangle: 3 + 2 + 1
  assert.equal(job.spec.parallelism, 3);
  assert.deepEqual(job.spec.template.spec.containers[0].command, [
    'ntk',
    'tiles',
    'run',
    run,
    '--threads',
    '2',
  ]);
});

test('the schema check can fail: a wrong completion mode, restart policy or unknown field is rejected', () => {
  const job = k8sJob(run) as {
    spec: Record<string, unknown> & { template: { spec: Record<string, unknown> } };
  };
  assert.ok(validate(job), JSON.stringify(validate.errors));
  for (const bad of [
    { ...job, spec: { ...job.spec, completionMode: 'indexed' } },
    {
      ...job,
      spec: { ...job.spec, template: { spec: { ...job.spec.template.spec, restartPolicy: 'Always' } } },
    },
    { ...job, spec: { ...job.spec, completion: 6 } },
    { ...job, apiVersion: 'v1' },
  ])
    assert.equal(validate(bad), false);
});
