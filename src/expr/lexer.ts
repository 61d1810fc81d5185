/**
 * C# 7 lexer for policy expressions. Offsets are into `ExpressionSource.text`; nothing here
 * throws: malformed input becomes a `LexError` next to an `error` token so the parser can
 * report every problem with its position.
 */
import { isDigit, isIdentPart, lexInterpolated, lexNumber, lexString, readEscape } from './lexer-literals.ts';

/** Token categories. Keywords keep their spelling in `text`. */
export type TokenKind = 'ident' | 'keyword' | 'int' | 'real' | 'string' | 'char' | 'interp' | 'punct' | 'error' | 'eof';

/** One part of an interpolated string: literal text or a hole `{expr,align:format}`. */
export type InterpPart =
  | { readonly text: string }
  | { readonly exprStart: number; readonly exprEnd: number; readonly align?: { start: number; end: number }; readonly format?: string };

export interface Token {
  readonly kind: TokenKind;
  /** Source text of the token (for keywords and punctuators, the keyword/punctuator itself). */
  readonly text: string;
  readonly start: number;
  readonly end: number;
  /** Decoded value: string/char contents, or the digits (without suffix/underscores) of a number. */
  readonly value?: string;
  /** Numeric suffix, lower-cased: '', 'u', 'l', 'ul', 'f', 'd', 'm'. Hex literals carry `hex`. */
  readonly suffix?: string;
  readonly hex?: boolean;
  readonly parts?: readonly InterpPart[];
}

/** A lexical problem; `code` is the catalog code the parser reports it with. */
export interface LexError {
  readonly code: 'MA5000' | 'MA5001' | 'MA5002' | 'MA5003' | 'MA5004';
  readonly message: string;
  readonly start: number;
  readonly end: number;
}

/** C# reserved keywords (contextual keywords such as `var` lex as identifiers). */
export const KEYWORDS: ReadonlySet<string> = new Set(
  ('abstract as base bool break byte case catch char checked class const continue decimal default delegate do double ' +
    'else enum event explicit extern false finally fixed float for foreach goto if implicit in int interface internal ' +
    'is lock long namespace new null object operator out override params private protected public readonly ref return ' +
    'sbyte sealed short sizeof stackalloc static string struct switch this throw true try typeof uint ulong unchecked ' +
    'unsafe ushort using virtual void volatile while').split(' '),
);

// Longest first within each leading character. `>>` and `>>=` are deliberately absent: the
// parser joins adjacent `>` tokens so that `List<List<int>>` closes two type-argument lists.
const PUNCTUATORS = [
  '<<=', '??', '?.', '=>', '==', '!=', '<=', '>=', '&&', '||', '++', '--', '+=', '-=', '*=', '/=', '%=', '&=', '|=',
  '^=', '<<', '::', '{', '}', '[', ']', '(', ')', '.', ',', ':', ';', '+', '-', '*', '/', '%', '&', '|', '^', '!', '~',
  '=', '<', '>', '?',
];

const isIdentStart = (c: string): boolean => /[\p{L}\p{Nl}_]/u.test(c);

/** The result of lexing a range of text. */
export interface LexResult {
  readonly tokens: Token[];
  readonly errors: LexError[];
}

/** Lexes `text[start, end)`; the last token is always `eof` at `end`. */
export function lex(text: string, start = 0, end = text.length): LexResult {
  const tokens: Token[] = [];
  const errors: LexError[] = [];
  let i = start;
  const err = (code: LexError['code'], message: string, s: number, e: number): void => {
    errors.push({ code, message, start: s, end: Math.max(e, s + 1) > end ? Math.max(e, s) : Math.max(e, s + 1) });
  };

  while (i < end) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n' || c === '\f' || c === '\v' || c === '\u00a0' || c === '\ufeff') {
      i++;
      continue;
    }
    if (c === '/' && text[i + 1] === '/') {
      while (i < end && text[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      if (close < 0 || close + 2 > end) {
        err('MA5001', 'Unterminated comment: "/*" has no matching "*/".', i, i + 2);
        i = end;
      } else i = close + 2;
      continue;
    }
    const s = i;
    // Strings: "…", @"…", $"…", $@"…", @$"…"
    if (c === '"' || ((c === '@' || c === '$') && (text[i + 1] === '"' || ((text[i + 1] === '@' || text[i + 1] === '$') && text[i + 1] !== c && text[i + 2] === '"')))) {
      let verbatim = false;
      let interp = false;
      while (text[i] !== '"') {
        if (text[i] === '@') verbatim = true;
        else interp = true;
        i++;
      }
      const r = interp ? lexInterpolated(text, i, end, verbatim, err) : lexString(text, i, end, verbatim, err);
      i = r.end;
      tokens.push(interp ? { kind: 'interp', text: text.slice(s, i), start: s, end: i, parts: r.parts! } : { kind: 'string', text: text.slice(s, i), start: s, end: i, value: r.value });
      continue;
    }
    if (c === "'") {
      i++;
      let value = '';
      if (text[i] === '\\') {
        const esc = readEscape(text, i, end);
        if (esc.error) err('MA5003', esc.error, i, esc.end);
        value = esc.value;
        i = esc.end;
      } else if (i < end && text[i] !== "'" && text[i] !== '\n') {
        value = text[i]!;
        i++;
      }
      if (text[i] !== "'" || i >= end) {
        while (i < end && text[i] !== "'" && text[i] !== '\n') i++;
        if (text[i] === "'" && i < end) {
          err('MA5003', 'Too many characters in character literal.', s, i + 1);
          i++;
        } else err('MA5001', 'Unterminated character literal.', s, i);
        tokens.push({ kind: 'error', text: text.slice(s, i), start: s, end: i });
        continue;
      }
      i++;
      if (value.length !== 1) {
        err('MA5003', value.length === 0 ? 'Empty character literal.' : 'Too many characters in character literal.', s, i);
        tokens.push({ kind: 'error', text: text.slice(s, i), start: s, end: i });
        continue;
      }
      tokens.push({ kind: 'char', text: text.slice(s, i), start: s, end: i, value });
      continue;
    }
    if (isDigit(c) || (c === '.' && isDigit(text[i + 1]))) {
      i = lexNumber(text, i, end, tokens, err);
      continue;
    }
    if (isIdentStart(c) || (c === '@' && i + 1 < end && isIdentStart(text[i + 1]!)) || c === '\\') {
      const verbatim = c === '@';
      if (verbatim) i++;
      if (text[i] === '\\') {
        err('MA5004', 'Unicode escapes in identifiers are not supported.', i, i + 1);
        i++;
        tokens.push({ kind: 'error', text: '\\', start: s, end: i });
        continue;
      }
      i++;
      while (i < end && isIdentPart(text[i]!)) i++;
      const word = text.slice(verbatim ? s + 1 : s, i);
      tokens.push({ kind: !verbatim && KEYWORDS.has(word) ? 'keyword' : 'ident', text: word, start: s, end: i });
      continue;
    }
    let punct: string | undefined;
    for (const p of PUNCTUATORS) {
      if (text.startsWith(p, i) && i + p.length <= end) {
        punct = p;
        break;
      }
    }
    // `a?.5:1` is a conditional, not a null-conditional member access.
    if (punct === '?.' && isDigit(text[i + 2])) punct = '?';
    if (punct) {
      i += punct.length;
      tokens.push({ kind: 'punct', text: punct, start: s, end: i });
      continue;
    }
    i++;
    err('MA5000', `Unexpected character '${c}'.`, s, i);
    tokens.push({ kind: 'error', text: c, start: s, end: i });
  }
  tokens.push({ kind: 'eof', text: '', start: end, end });
  return { tokens, errors: errors as LexError[] };
}
