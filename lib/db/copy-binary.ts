// Rows in the binary format of PostgreSQL's COPY … FROM STDIN WITH (FORMAT binary). Pure.
// https://www.postgresql.org/docs/current/sql-copy.html#id-1.9.3.55.9.4
// Binary rather than text: numbers go in as their bytes (no formatting in JavaScript, no parsing by
// the server), and text needs no escaping. Each value must have its column's exact type (a float4
// for a real, an int2 for a smallint...); the server rejects a row whose bytes do not fit.

/** The signature, flags and header extension length that start every binary COPY stream. */
export const COPY_BINARY_HEADER = Buffer.from([
  0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00, // "PGCOPY\n\377\r\n\0"
  0, 0, 0, 0, // flags: no OIDs
  0, 0, 0, 0, // no header extension
]);

/** The field count -1 that ends a binary COPY stream. */
export const COPY_BINARY_TRAILER = Buffer.from([0xff, 0xff]);

/** pg_type OID of text, the element type of a text[] value. */
const TEXT_OID = 25;
const MAX_ASCII = 0x7f;

/**
 * Appends rows of COPY binary values to a growing Buffer; `take()` hands over what was written and
 * starts afresh. One writer serves a whole COPY: it keeps its Buffer between batches.
 */
export class CopyBinaryWriter {
  private buffer: Buffer;
  private view: DataView;
  private offset = 0;

  constructor(initialBytes = 1 << 20) {
    this.buffer = Buffer.allocUnsafe(initialBytes);
    this.view = new DataView(this.buffer.buffer, this.buffer.byteOffset, this.buffer.byteLength);
  }

  /** Starts a row of `fields` values. */
  row(fields: number): void {
    this.ensure(2);
    this.view.setInt16(this.offset, fields);
    this.offset += 2;
  }

  null(): void {
    this.ensure(4);
    this.view.setInt32(this.offset, -1);
    this.offset += 4;
  }

  /** A smallint. */
  int2(value: number): void {
    if (!Number.isInteger(value) || value < -0x8000 || value > 0x7fff) throw new RangeError(`${value} is not a smallint`);
    this.ensure(6);
    this.view.setInt32(this.offset, 2);
    this.view.setInt16(this.offset + 4, value);
    this.offset += 6;
  }

  /** An integer (int4). */
  int4(value: number): void {
    if (!Number.isInteger(value) || value < -0x80000000 || value > 0x7fffffff) throw new RangeError(`${value} is not an integer (int4)`);
    this.ensure(8);
    this.view.setInt32(this.offset, 4);
    this.view.setInt32(this.offset + 4, value);
    this.offset += 8;
  }

  /** A real (float4): the double rounded to the nearest float, as the server rounds a decimal. */
  float4(value: number): void {
    this.ensure(8);
    this.view.setInt32(this.offset, 4);
    this.view.setFloat32(this.offset + 4, value);
    this.offset += 8;
  }

  bool(value: boolean): void {
    this.ensure(5);
    this.view.setInt32(this.offset, 1);
    this.buffer[this.offset + 4] = value ? 1 : 0;
    this.offset += 5;
  }

  /** A text (or char(n), varchar) value, UTF-8. */
  text(value: string): void {
    this.ensure(4);
    const lengthAt = this.offset;
    this.offset += 4;
    const bytes = this.utf8(value); // may move to a bigger Buffer: write the length after it
    this.view.setInt32(lengthAt, bytes);
  }

  /** A text value given as UTF-8: bytes[start] … bytes[end - 1]. */
  utf8Text(bytes: Uint8Array, start = 0, end = bytes.length): void {
    const length = end - start;
    this.ensure(4 + length);
    this.view.setInt32(this.offset, length);
    const buffer = this.buffer;
    const at = this.offset + 4 - start;
    // Short values (ids, names) byte by byte: cheaper than a call into TypedArray.set.
    if (length < 64) for (let i = start; i < end; i++) buffer[at + i] = bytes[i];
    else buffer.set(bytes.subarray(start, end), at + start);
    this.offset = at + end;
  }

  /** A one-dimensional text[] value without NULLs ('{}' when empty). */
  textArray(values: readonly string[]): void {
    const empty = values.length === 0;
    this.ensure(empty ? 16 : 24);
    const lengthAt = this.offset;
    const v = this.view;
    v.setInt32(lengthAt + 4, empty ? 0 : 1); // dimensions
    v.setInt32(lengthAt + 8, 0); // no NULL elements
    v.setInt32(lengthAt + 12, TEXT_OID);
    this.offset = lengthAt + 16;
    if (!empty) {
      v.setInt32(lengthAt + 16, values.length);
      v.setInt32(lengthAt + 20, 1); // lower bound
      this.offset = lengthAt + 24;
      for (const value of values) this.text(value);
    }
    this.view.setInt32(lengthAt, this.offset - lengthAt - 4);
  }

  /** The bytes written since the last take(). They stay valid until the writer writes again. */
  take(): Buffer {
    const written = this.buffer.subarray(0, this.offset);
    // A fresh Buffer for what comes next: the one handed over may still be waiting for the socket.
    this.buffer = Buffer.allocUnsafe(this.buffer.length);
    this.view = new DataView(this.buffer.buffer, this.buffer.byteOffset, this.buffer.byteLength);
    this.offset = 0;
    return written;
  }

  get bytesWritten(): number {
    return this.offset;
  }

  /**
   * Writes `value` as UTF-8 at the offset and returns its byte length. ASCII (most ids, names and
   * match keys) is copied a character at a time, cheaper than a call into Buffer.write for short strings.
   */
  private utf8(value: string): number {
    const length = value.length;
    this.ensure(length);
    const buffer = this.buffer;
    const start = this.offset;
    for (let i = 0; i < length; i++) {
      const code = value.charCodeAt(i);
      if (code > MAX_ASCII) {
        this.ensure(length * 3); // UTF-8 bytes for a UTF-16 code unit, at most
        const bytes = this.buffer.write(value, start, "utf8");
        this.offset = start + bytes;
        return bytes;
      }
      buffer[start + i] = code;
    }
    this.offset = start + length;
    return length;
  }

  /** Room for `bytes` more bytes from the offset. */
  private ensure(bytes: number): void {
    if (this.offset + bytes <= this.buffer.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.offset + bytes));
    this.buffer.copy(bigger, 0, 0, this.offset);
    this.buffer = bigger;
    this.view = new DataView(bigger.buffer, bigger.byteOffset, bigger.byteLength);
  }
}
