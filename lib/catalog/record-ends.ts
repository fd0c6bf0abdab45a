// Where records end in a catalog's CSV bytes, so that the file can be cut into pieces of whole
// records for two threads to parse at once (read.ts). Pure. Quotes, commas and line feeds are ASCII
// and no byte of a multi-byte UTF-8 character is, so the bytes are scanned without being decoded.

const QUOTE = 0x22;
const COMMA = 0x2c;
const LINE_FEED = 0x0a;

/**
 * The offset just past the last line feed in bytes[from, end) that ends a record, `from` being where
 * a record starts; -1 when no record ends there. Quoting is CsvRecordSplitter's: a quote opens a
 * quoted field only at the start of a field, `""` inside one is a quote, a quoted field may hold line
 * feeds, and a quote anywhere else is text. Scans from quote to quote (about one per row in the
 * 600k-track file), not byte by byte.
 */
export function lastRecordEnd(bytes: Buffer, from: number, end: number): number {
  let last = -1;
  // bytes[position, …) is outside any quoted field.
  let position = from;
  for (;;) {
    const quote = bytes.indexOf(QUOTE, position);
    const stretchEnd = quote === -1 || quote >= end ? end : quote;
    if (stretchEnd > position) {
      const feed = bytes.lastIndexOf(LINE_FEED, stretchEnd - 1);
      if (feed >= position) last = feed + 1;
    }
    if (stretchEnd === end) return last;
    const before = bytes[quote - 1];
    if (quote !== from && before !== COMMA && before !== LINE_FEED) {
      position = quote + 1; // a quote inside an unquoted field (or after a closing quote) is text
      continue;
    }
    let cursor = quote + 1;
    for (;;) {
      const close = bytes.indexOf(QUOTE, cursor);
      // Not closed before `end`, or closed on its last byte, which may be the first half of `""`.
      if (close === -1 || close >= end - 1) return last;
      if (bytes[close + 1] !== QUOTE) {
        position = close + 1;
        break;
      }
      cursor = close + 2;
    }
  }
}

/**
 * Where the text of a file that starts with `bytes` begins: after a UTF-8 byte-order mark, which the
 * decoder drops (so a quote right after it starts a field), else at 0.
 */
export function textStart(bytes: Uint8Array): number {
  return bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
}
