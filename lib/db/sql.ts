/** A PostgreSQL identifier, quoted for SQL text built at run time. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
