// SVG downloads are XML files: whatever a name holds (<, &, quotes, a stray ]]> or --, control
// characters) the file must parse with a strict XML parser, and keep the name as written.
import { SaxesParser } from 'saxes';
import { describe, expect, it } from 'vitest';
import { standaloneSvg } from '../../dashboards/charts/render.ts';
import type { ChartPayload } from '../../dashboards/charts/kinds.ts';

const EVIL = `A<B & "C" 'D' ]]> -- <!-- \u0001x`;

function parse(svg: string): { texts: string[]; attributes: string[] } {
  const parser = new SaxesParser({ xmlns: true });
  const texts: string[] = [];
  const attributes: string[] = [];
  parser.on('text', (t) => texts.push(t));
  parser.on('opentag', (tag) => {
    for (const a of Object.values(tag.attributes)) attributes.push(typeof a === 'string' ? a : a.value);
  });
  parser.write(svg).close();
  return { texts, attributes };
}

describe('standalone SVG', () => {
  const payloads: ChartPayload[] = [
    {
      kind: 'bars',
      title: `排名 ${EVIL}`,
      description: `说明 ${EVIL}`,
      width: 600,
      data: [
        { label: `司法所 ${EVIL}`, value: 3, href: '/office/X?a=1&b="2"' },
        { label: '莲都', value: 1, highlight: true },
      ],
      options: { format: 'count', target: 2, targetLabel: `目标 ${EVIL}` },
    },
  ];

  for (const payload of payloads) {
    it(`is valid XML with hostile names (${payload.kind})`, () => {
      const svg = standaloneSvg(payload);
      const { texts, attributes } = parse(svg);
      const clean = EVIL.replace('\u0001', '');
      expect(texts.some((t) => t.includes(clean))).toBe(true);
      expect(attributes.some((a) => a.includes(clean))).toBe(true);
    });
  }
});
