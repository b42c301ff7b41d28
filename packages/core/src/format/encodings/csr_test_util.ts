/** Test helper of the sparse encodings' tests: edits a .lite file's header JSON (exported for tests only). */
import { assembleLite, inspectLite } from '../container.js';

/** The file `bytes` with its header JSON edited by `edit` (same sections, checksums recomputed). */
export function editHeader(bytes: Uint8Array, edit: (json: string) => string): Uint8Array {
  const layout = inspectLite(bytes);
  const sections = layout.sections.map((s) => ({ stored: bytes.slice(s.offset, s.offset + s.storedLength), rawLength: s.rawLength, flags: s.flags }));
  return assembleLite(new TextEncoder().encode(edit(JSON.stringify(layout.header))), sections);
}
