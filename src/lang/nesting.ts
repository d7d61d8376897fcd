/**
 * Nesting beyond which fks does not parse a source file. Hand-written code stays far below it
 * (a few dozen levels); past it, tree walks over the syntax tree would run out of stack and
 * tree-sitter's error recovery on broken brackets costs seconds, so the file becomes a
 * diagnostic instead.
 */
export const MAX_NESTING = 256;

export interface TooDeep {
  /** 1-based line where the nesting first passed the bound. */
  line: number;
  max: number;
}

const OPEN = new Set([40, 91, 123]); // ( [ {
const CLOSE = new Set([41, 93, 125]); // ) ] }

/**
 * Where a file's nesting first passes `max`, counting brackets and indentation levels, or
 * undefined when it stays within it. One pass over the characters: brackets inside strings
 * count too, which only ever over-counts a file nobody writes by hand.
 */
export function tooDeep(text: string, max = MAX_NESTING): TooDeep | undefined {
  let depth = 0;
  let line = 1;
  // Indentation widths of the open blocks: Python nests by indentation alone.
  const indents: number[] = [0];
  let atLineStart = true;
  let width = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      line++;
      atLineStart = true;
      width = 0;
      continue;
    }
    if (atLineStart) {
      if (c === 32 || c === 9) {
        width++;
        continue;
      }
      atLineStart = false;
      if (c !== 13 && c !== 35 && depth === 0) {
        while (indents.length > 1 && width < indents[indents.length - 1]!) indents.pop();
        if (width > indents[indents.length - 1]!) indents.push(width);
        if (indents.length - 1 > max) return { line, max };
      }
    }
    if (OPEN.has(c)) {
      if (++depth > max) return { line, max };
    } else if (CLOSE.has(c) && depth > 0) depth--;
  }
  return undefined;
}

/** The one-line diagnostic for a file `tooDeep` rejected. */
export function tooDeepMessage(d: TooDeep): string {
  return `nested more than ${d.max} levels deep: not parsed, so its routes and code are left out — flatten the nesting, or move generated code out of the service folder`;
}
