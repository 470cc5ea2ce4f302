import assert from 'node:assert/strict';
import { firstTokenOf, parseTokenFile } from './parse-token-file.js';

const FORMAT = { scopes: ['read', 'write', 'admin'], defaultScopes: ['read', 'write'] };

describe('parseTokenFile', () => {
  it('reads scoped and bare tokens, skipping blank lines and comments', () => {
    const table = parseTokenFile('# readers\nr-token read\n\n  w-token   read,write,admin  \nbare\n', 'tokens', FORMAT);
    assert.equal(table.size, 3);
    assert.deepEqual([...(table.scopesOf('r-token') ?? [])], ['read']);
    assert.deepEqual([...(table.scopesOf('w-token') ?? [])], ['read', 'write', 'admin']);
    assert.deepEqual([...(table.scopesOf('bare') ?? [])], ['read', 'write']);
    assert.equal(table.scopesOf('other'), undefined);
    assert.equal(table.scopesOf(''), undefined);
  });

  it('names file and line of a bad line without echoing the token', () => {
    const cases: [string, RegExp][] = [
      ['ok\nsecret-1 read,delete\n', /^tokens:2: unknown scope "delete"; allowed: read, write, admin$/],
      ['secret-2 read write\n', /^tokens:1: expected "TOKEN" or "TOKEN scope\[,scope…\]"/],
      ['secret-3 read,\n', /^tokens:1: unknown scope ""/],
      ['secret-4\n# again\nsecret-4 admin\n', /^tokens:3: repeats the token of line 1$/],
      ['# nothing\n\n', /^tokens holds no token$/],
    ];
    for (const [text, expected] of cases) {
      assert.throws(() => parseTokenFile(text, 'tokens', FORMAT), (error: Error) => {
        assert.match(error.message, expected);
        assert.doesNotMatch(error.message, /secret/);
        return true;
      });
    }
  });

  it('firstTokenOf gives the token a client presents', () => {
    assert.equal(firstTokenOf('# internal\n\n  abc admin\nnext\n', 'f'), 'abc');
    assert.throws(() => firstTokenOf('#\n', 'f'), /f holds no token/);
  });
});
