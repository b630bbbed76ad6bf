// The byte-level transcoder must give exactly what decoding, String.prototype.normalize('NFKC')
// (protected CSV characters aside) and UTF-8 encoding give, for any text, in both encodings.
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { nfkcCsvText } from '../../pipelines/read/nfkc.ts';
import { convertGb18030Piece, convertUtf8Piece, InvalidEncodingError, isNfkcCleanUtf8, markBlankLines } from '../../pipelines/read/transcode.ts';

const REPERTOIRE = [
  ...'abcXYZ0189 ,.-/:;"\n\r\t',
  ...'司法所案件人民调解莲都区缙云县畲族',
  ...'（）０１９ＡＺａｚ：；　', // full-width forms and the ideographic space
  ...'①⑴⒈㈠Ⅳⅷ℃㎡№…～¨˙﹉', // compatibility characters of GBK
  ...'，＂﹐︐', // protected: their NFKC form is a delimiter or quote
  '\u{1F102}', // DIGIT ONE COMMA, protected too
  '\u0301', '\u0308', '\u3099', // combining marks
  'ｶ', 'ﾞ', // half-width katakana and voiced mark: compose under NFKC
  'ㄱ', 'ㅏ', '\u1100', '\u1161', '가', // jamo compose into syllables
  '郎', '€', '𠮷', '\u00A0', '\u2028',
];

function randomText(seed: number, length: number): string {
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state;
  };
  let text = '';
  for (let i = 0; i < length; i++) text += REPERTOIRE[next() % REPERTOIRE.length];
  return text;
}

const expected = (text: string) => Buffer.from(nfkcCsvText(text), 'utf8');

describe('UTF-8 NFKC by table', () => {
  it('equals the string path on random text', () => {
    for (let seed = 1; seed <= 400; seed++) {
      const text = randomText(seed, 1 + (seed % 60));
      expect(Buffer.from(convertUtf8Piece(Buffer.from(text, 'utf8'))), JSON.stringify(text)).toEqual(expected(text));
    }
  });

  it('keeps protected characters and maps the others', () => {
    const text = '名称，＂Ａ（１）﹐';
    expect(Buffer.from(convertUtf8Piece(Buffer.from(text))).toString()).toBe('名称，＂A(1)﹐');
  });

  it('returns the same bytes when nothing changes, and says the piece is clean', () => {
    const piece = Buffer.from('案件编号,司法所编码\r\nSFAJ1,SFS2\r\n');
    expect(convertUtf8Piece(piece)).toBe(piece);
    expect(isNfkcCleanUtf8(piece)).toBe(true);
    expect(isNfkcCleanUtf8(Buffer.from('ＳＦＳ'))).toBe(false);
    expect(isNfkcCleanUtf8(Buffer.from('e\u0301'))).toBe(false);
    expect(isNfkcCleanUtf8(Buffer.from('，＂'))).toBe(true);
  });

  it('refuses bytes that are not UTF-8', () => {
    expect(() => convertUtf8Piece(iconv.encode('司法所', 'gbk'))).toThrow(InvalidEncodingError);
  });
});

describe('GB18030 → UTF-8 NFKC by table', () => {
  it('equals decoding + NFKC on random text (four-byte sequences included)', () => {
    for (let seed = 1; seed <= 400; seed++) {
      const text = randomText(seed, 1 + (seed % 60));
      expect(Buffer.from(convertGb18030Piece(iconv.encode(text, 'gb18030'))), JSON.stringify(text)).toEqual(expected(text));
    }
  });

  it('agrees with the platform decoder on every two-byte GBK code, and with iconv-lite but for its old PUA mappings', () => {
    const platform = new TextDecoder('gb18030');
    let checked = 0;
    const differFromIconv: string[] = [];
    for (let lead = 0x81; lead <= 0xfe; lead++) {
      for (let trail = 0x40; trail <= 0xfe; trail++) {
        if (trail === 0x7f) continue;
        const bytes = Buffer.from([lead, trail]);
        const text = platform.decode(bytes);
        if (text.includes('\uFFFD')) continue;
        expect(Buffer.from(convertGb18030Piece(bytes))).toEqual(expected(text));
        checked++;
        const old = iconv.decode(bytes, 'gb18030');
        if (old !== text) differFromIconv.push(old);
      }
    }
    expect(checked).toBeGreaterThan(23_000);
    // GB18030-2022 (and the WHATWG decoder) gave real code points to characters that iconv-lite
    // still maps into the Private Use Area.
    expect(differFromIconv.length).toBeLessThan(30);
    expect(differFromIconv.every((c) => /^[\uE000-\uF8FF]$/.test(c))).toBe(true);
  });

  it('refuses bytes that are not GB18030', () => {
    expect(() => convertGb18030Piece(Buffer.from([0x41, 0xff, 0x42]))).toThrow(InvalidEncodingError);
    expect(() => convertGb18030Piece(Buffer.from([0x81, 0x30]))).toThrow(InvalidEncodingError); // cut four-byte sequence
  });
});

describe('empty lines', () => {
  const mark = (...pieces: string[]) => {
    const state = { inQuotes: false };
    return pieces.map((p) => Buffer.from(markBlankLines(Buffer.from(p), state)).toString()).join('');
  };

  it('turns an empty line outside quotes into an empty record', () => {
    expect(mark('a,b\n\nc,d\n')).toBe('a,b\n,\nc,d\n');
    expect(mark('a,b\r\n\r\n\r\nc,d\r\n')).toBe('a,b\r\n,\r\n,\r\nc,d\r\n');
    expect(mark('\na,b\n')).toBe(',\na,b\n');
  });

  it('leaves empty lines inside a quoted cell alone, across pieces too', () => {
    expect(mark('a,"x\n\ny"\n\n')).toBe('a,"x\n\ny"\n,\n');
    expect(mark('a,"x\n', '\ny""\n', '\nz",b\n', '\n')).toBe('a,"x\n\ny""\n\nz",b\n,\n');
  });

  it('returns the piece itself when there is nothing to mark', () => {
    const piece = Buffer.from('a,"b\n\nc"\n');
    expect(markBlankLines(piece, { inQuotes: false })).not.toBe(piece); // had a candidate
    const plain = Buffer.from('a,b\nc,d\n');
    expect(markBlankLines(plain, { inQuotes: false })).toBe(plain);
  });
});
