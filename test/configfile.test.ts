// The config file: found upward, validated with the key's path in every error, merged under
// the command-line flags.
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkOption, rebaseGlob, validateConfig } from '../src/cli/configfile.js';
import { runMain, tempTree, TICKER_GO } from './inproc.js';
import { testRules } from './support/rules.js';

test('option types come from the rule defaults, errors name the key path', () => {
  assert.is(checkOption(['Close'], [], 'o'), undefined);
  assert.equal(checkOption('Close', ['Shutdown'], 'rules.r.options.releaseMethods'), ['rules.r.options.releaseMethods', 'expected an array of strings']);
  assert.equal(checkOption([1], ['x'], 'o'), ['o', 'expected an array of strings']);
  assert.equal(checkOption('3', 3, 'o.limit'), ['o.limit', 'expected a number']);
  assert.equal(checkOption({ a: 1, b: true }, { a: 0, b: false }, 'o'), undefined);
  assert.equal(checkOption({ c: 1 }, { a: 0 }, 'o'), ['o.c', 'unknown key (expected one of: a)']);
});

test('validation: unknown keys, unknown rules, bad values', () => {
  const bad = (data: unknown) => {
    try {
      validateConfig(data, 'leakhound.config.json', testRules);
    } catch (e) {
      return (e as Error).message;
    }
    return 'accepted';
  };
  assert.is(bad({ rulez: {} }), 'leakhound.config.json: rulez: unknown key (expected one of: rules, ignore)');
  assert.is(bad({ rules: { nope: 'off' } }), 'leakhound.config.json: rules.nope: unknown rule (leakhound --list-rules lists the rule ids)');
  assert.is(bad({ rules: { 'test-ticker': 'loud' } }), 'leakhound.config.json: rules.test-ticker: expected "off", "on", "error", "warning" or an object, got "loud"');
  assert.is(bad({ rules: { 'test-ticker': { severity: 'info' } } }), 'leakhound.config.json: rules.test-ticker.severity: expected "error" or "warning"');
  assert.is(bad({ rules: { 'test-ticker': { options: { allow: 'main' } } } }), 'leakhound.config.json: rules.test-ticker.options.allow: expected an array of strings');
  assert.is(bad({ rules: { 'test-ticker': { options: { alow: [] } } } }), 'leakhound.config.json: rules.test-ticker.options.alow: unknown key (expected one of: allow, limit)');
  assert.is(bad({ rules: { 'test-ticker': { enable: true } } }), 'leakhound.config.json: rules.test-ticker.enable: unknown key (expected one of: enabled, severity, options)');
  assert.is(bad({ ignore: 'gen/**' }), 'leakhound.config.json: ignore: expected an array of glob strings');
  assert.is(bad([]), 'leakhound.config.json: expected an object at the top level');
  assert.is(bad({ rules: { 'test-ticker': 'warning', 'test-chan': false }, ignore: ['gen/**'] }), 'accepted');
});

test('ignore globs are relative to the config file', () => {
  assert.is(rebaseGlob('gen/**', '/r', '/r'), 'gen/**');
  assert.is(rebaseGlob('sub/gen/**', '/r', '/r/sub'), 'gen/**');
  assert.is(rebaseGlob('gen/**', '/r', '/r/sub'), '../gen/**');
  assert.is(rebaseGlob('**/*_mock.go', '/r', '/r/sub'), '**/*_mock.go');
});

test('a JSON config found upward sets severity, options and ignores; flags win', async () => {
  const dir = tempTree({
    'leakhound.config.json': JSON.stringify({
      rules: { 'test-ticker': { severity: 'warning', options: { allow: ['poll'] } }, 'test-chan': 'off' },
      ignore: ['sub/gen/**'],
    }),
    'sub/a.go': TICKER_GO,
    'sub/b.go': TICKER_GO.replace('func poll', 'func other'),
    'sub/gen/c.go': TICKER_GO.replace('func poll', 'func other'),
  });
  const r = await runMain(['--format', 'json'], join(dir, 'sub'));
  assert.is(r.code, 1, 'a warning is a reported finding: ' + r.stderr);
  const res = JSON.parse(r.stdout) as { filePath: string; messages: { ruleId: string; severity: number }[] }[];
  assert.equal(res.map((x) => x.filePath), ['a.go', 'b.go'], 'gen/ ignored');
  assert.equal(res.flatMap((x) => x.messages.map((m) => `${x.filePath} ${m.ruleId} ${m.severity}`)), ['b.go test-ticker 1']);

  const flags = await runMain(['--format', 'json', '--rule', 'test-chan'], join(dir, 'sub'));
  const msgs = (JSON.parse(flags.stdout) as { messages: { ruleId: string }[] }[]).flatMap((x) => x.messages.map((m) => m.ruleId));
  assert.equal(msgs, ['test-chan', 'test-chan'], '--rule runs a rule the file turned off');
});

test('a YAML config, --config, and --print-config', async () => {
  const dir = tempTree({
    '.leakhound.yaml': 'rules:\n  test-chan: error\n',
    'other.yaml': 'rules:\n  test-ticker: off\n',
    'a.go': TICKER_GO,
  });
  const p = await runMain(['--print-config'], dir);
  assert.is(p.code, 0);
  const cfg = JSON.parse(p.stdout) as { configFile: string; rules: Record<string, { enabled: boolean; severity: string; options: object }> };
  assert.is(cfg.configFile, join(dir, '.leakhound.yaml'));
  assert.equal(cfg.rules['test-chan'], { enabled: true, severity: 'error', options: {} });
  assert.equal(cfg.rules['test-ticker'], { enabled: true, severity: 'error', options: { allow: [], limit: 3 } });

  const other = await runMain(['--print-config', '--config', 'other.yaml', '--disable', 'test-chan'], dir);
  const cfg2 = JSON.parse(other.stdout) as typeof cfg;
  assert.is(cfg2.configFile, join(dir, 'other.yaml'));
  assert.is(cfg2.rules['test-ticker']!.enabled, false);
  assert.is(cfg2.rules['test-chan']!.enabled, false);
});

test('the directive pseudo-rule can be turned off or made an error in the config file', async () => {
  const src = 'package p\n\n//leakhound:ignore\nfunc f() {}\n';
  const off = await runMain(['--format', 'json'], tempTree({ 'leakhound.config.json': '{"rules": {"leakhound-directive": "off"}}', 'a.go': src }));
  assert.is(off.code, 0);
  assert.equal((JSON.parse(off.stdout) as { messages: unknown[] }[])[0]!.messages, []);
  const err = await runMain(['--format', 'json', '--rule', 'test-chan'], tempTree({ '.leakhound.yaml': 'rules:\n  leakhound-directive: error\n', 'a.go': src }));
  assert.is(err.code, 1, '--rule does not turn directive checks off; the file made them errors');
  assert.equal((JSON.parse(err.stdout) as { messages: { ruleId: string; severity: number }[] }[])[0]!.messages.map((m) => `${m.ruleId} ${m.severity}`), ['leakhound-directive 2']);
});

test('bad config files are exit 2 with one clear line', async () => {
  const cases: [Record<string, string>, string[], RegExp][] = [
    [{ 'leakhound.config.json': '{"rules": {"test-ticker": {"options": {"limit": "3"}}}}' }, [], /^leakhound: leakhound.config.json: rules.test-ticker.options.limit: expected a number\n$/],
    [{ 'leakhound.config.json': '{"rules": ' }, [], /^leakhound: leakhound.config.json: invalid JSON: /],
    [{ '.leakhound.yaml': 'rules: [a\n' }, [], /^leakhound: .leakhound.yaml: line \d+: invalid YAML: /],
    [{ 'a.go': 'package p\n' }, ['--config', 'nope.json'], /^leakhound: nope.json: cannot read config file: no such file\n$/],
  ];
  for (const [files, args, want] of cases) {
    const r = await runMain(args, tempTree(files));
    assert.is(r.code, 2, JSON.stringify(files));
    assert.match(r.stderr, want);
    assert.is(r.stdout, '');
  }
});

test.run();
