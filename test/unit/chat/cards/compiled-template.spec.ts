// The compiled templates give the very cards adaptivecards-templating gives: every template on its sample,
// on the sample with each field missing or each list empty, and on the card data of every view kind.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as ACData from 'adaptivecards-templating';
import { compileTemplate } from '../../../../src/chat/cards/compiled-template';
import { cardData } from '../../../../src/chat/cards/render-card';
import { TEMPLATE_NAMES, TEMPLATES, type TemplateName } from '../../../../src/chat/cards/templates';
import { NOW, sampleViews } from '../../../fixtures/views';

const CARDS_DIR = path.resolve(__dirname, '../../../../cards');

function both(name: TemplateName, data: object): { library: unknown; compiled: unknown } {
  const compiled = compileTemplate(TEMPLATES[name]);
  assert.ok(compiled, `${name} compiles`);
  return { library: new ACData.Template(TEMPLATES[name]).expand({ $root: data }), compiled: compiled(data) };
}

/** The sample, then the sample without each of its fields, then with each list emptied. */
function variants(sample: Record<string, unknown>): Array<[string, object]> {
  const out: Array<[string, object]> = [['as is', sample]];
  for (const key of Object.keys(sample)) {
    out.push([`without ${key}`, Object.fromEntries(Object.entries(sample).filter(([k]) => k !== key))]);
    if (Array.isArray(sample[key])) out.push([`${key} empty`, { ...sample, [key]: [] }]);
    if (typeof sample[key] === 'string') out.push([`${key} ''`, { ...sample, [key]: '' }]);
    if (typeof sample[key] === 'boolean') out.push([`${key} flipped`, { ...sample, [key]: !sample[key] }]);
  }
  return out;
}

describe('cards: compiled templates', () => {
  for (const name of TEMPLATE_NAMES) {
    it(`${name}: the same card as the library on its sample and its variants`, () => {
      const sample = JSON.parse(readFileSync(path.join(CARDS_DIR, 'samples', `${name}.json`), 'utf8')) as Record<string, unknown>;
      for (const [what, data] of variants(sample)) {
        const { library, compiled } = both(name, data);
        assert.deepEqual(compiled, library, `${name}, ${what}`);
      }
    });
  }

  for (const [label, view] of Object.entries(sampleViews)) {
    it(`view ${label}: the same card as the library`, () => {
      const { library, compiled } = both(view.kind, cardData(view, NOW));
      assert.deepEqual(compiled, library);
    });
  }

  it('leaves to the library what it does not compile', () => {
    assert.equal(compileTemplate({ text: '${toUpper(name)}' }), undefined);
    assert.equal(compileTemplate({ $when: '${a && b}', text: 'x' }), undefined);
    assert.deepEqual(compileTemplate({ text: 'Hello ${name}', n: 3 })?.({ name: 'Ada' }), { text: 'Hello Ada', n: 3 });
  });
});
