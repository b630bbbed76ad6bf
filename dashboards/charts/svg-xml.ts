// SVG as XML. The DOM Plot draws into (linkedom) serialises as HTML: attribute values keep `<`
// and `&`, and <style> text is raw — fine inside a page, not in a standalone .svg file, which
// XML parsers must accept whatever a unit's or person's name holds. This walks the element and
// writes it as XML: every attribute and text escaped, characters XML 1.0 forbids dropped.
interface XmlNode {
  nodeType: number;
  localName?: string;
  attributes?: ArrayLike<{ name: string; value: string }>;
  childNodes?: ArrayLike<XmlNode>;
  data?: string;
}

// XML 1.0 Char: tab, line feed, carriage return, U+0020–U+D7FF, U+E000–U+FFFD, astral planes.
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export function xmlText(text: string): string {
  return text.replace(NOT_XML_CHAR, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function xmlAttribute(value: string): string {
  // Line breaks and tabs would be normalised to spaces by an XML reader: keep them as references.
  return xmlText(value).replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}

/** The element and its descendants as XML; `extraAttributes` are added to the element itself. */
export function toXml(node: XmlNode, extraAttributes = ''): string {
  switch (node.nodeType) {
    case 1: {
      const name = node.localName ?? 'g';
      const attributes = Array.from(node.attributes ?? [])
        .filter((a) => a.name !== 'xmlns')
        .map((a) => ` ${a.name}="${xmlAttribute(a.value)}"`)
        .join('');
      const children = Array.from(node.childNodes ?? []).map((child) => toXml(child)).join('');
      return children ? `<${name}${extraAttributes}${attributes}>${children}</${name}>` : `<${name}${extraAttributes}${attributes}/>`;
    }
    case 3:
    case 4:
      return xmlText(node.data ?? '');
    case 8:
      return `<!--${(node.data ?? '').replace(NOT_XML_CHAR, '').replace(/-(?=-|$)/g, '- ')}-->`;
    default:
      return '';
  }
}
