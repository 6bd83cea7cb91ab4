import assert from 'node:assert/strict';
import { parseCommand } from '../../../../src/chat/core/command-parser';

describe('parseCommand', () => {
  const ok = (text: string) => {
    const r = parseCommand(text);
    assert.ok(r.ok, `${text} parses`);
    return r.command;
  };

  it('reads every command of the grammar', () => {
    assert.deepEqual(ok('help'), { name: 'help' });
    assert.deepEqual(ok('  User   John  Doe '), { name: 'user', query: 'John Doe' });
    assert.deepEqual(ok('audit jdoe days=7 type=password-reset'), { name: 'audit', user: 'jdoe', days: 7, type: 'password-reset' });
    assert.deepEqual(ok('sync jdoe failed'), { name: 'sync', user: 'jdoe', failedOnly: true });
    assert.deepEqual(ok('unlock jdoe@corp.example.test'), { name: 'unlock', user: 'jdoe@corp.example.test' });
    assert.deepEqual(ok('unlock-portal jdoe'), { name: 'unlock-portal', user: 'jdoe' });
    assert.deepEqual(ok('pin jdoe SMS'), { name: 'pin', user: 'jdoe', delivery: 'sms' });
    assert.deepEqual(ok('reset jdoe view'), { name: 'reset', user: 'jdoe', delivery: 'view' });
    assert.deepEqual(ok('escalate jdoe cannot log in since Monday'), { name: 'escalate', user: 'jdoe', reason: 'cannot log in since Monday' });
    assert.deepEqual(ok(''), { name: 'help' });
    assert.deepEqual(ok('Approvals'), { name: 'approvals' });
    assert.deepEqual(parseCommand('approvals jdoe'), { ok: false, code: 'CMD.USAGE', usage: 'approvals' });
  });

  it('answers unknown words and malformed arguments with a usage, never a throw', () => {
    assert.deepEqual(parseCommand('frobnicate jdoe'), { ok: false, code: 'CMD.UNKNOWN', word: 'frobnicate' });
    assert.deepEqual(parseCommand('unlock'), { ok: false, code: 'CMD.USAGE', usage: 'unlock <user>' });
    assert.deepEqual(parseCommand('reset jdoe email'), { ok: false, code: 'CMD.USAGE', usage: 'reset <user> sms|view' });
    assert.deepEqual(parseCommand('audit jdoe days=-1'), {
      ok: false, code: 'CMD.USAGE', usage: 'audit <user> [days=N] [type=T]', option: 'days', value: '-1', user: 'jdoe',
    });
    assert.equal(parseCommand('user ' + 'x'.repeat(5000)).ok, false);
  });
});
