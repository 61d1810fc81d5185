import type { CatalogPart } from './entry.ts';

/**
 * MA5xxx — C# policy expressions (src/expr). MA5000–MA5499 are the language (lexer, parser,
 * planner); MA5500–MA5999 are the .NET library (src/expr/net).
 */
export const exprCodes = {
  MA5000: { severity: 'error', summary: 'The expression is not valid C# syntax.' },
  MA5001: { severity: 'error', summary: 'A string, character literal or comment is not terminated.' },
  MA5002: { severity: 'error', summary: 'A numeric literal is malformed or too large for any integral type.' },
  MA5003: { severity: 'error', summary: 'A string or character literal contains an invalid escape sequence or is malformed.' },
  MA5004: { severity: 'error', summary: 'The C# construct is valid C# but outside the subset APIM policy expressions use, so the emulator does not run it.' },
  MA5005: { severity: 'error', summary: 'The expression is empty.' },
  MA5010: { severity: 'error', summary: 'A name does not exist in the current context.' },
  MA5011: { severity: 'error', summary: 'A type is unknown or not allowed in APIM policy expressions.' },
  MA5012: { severity: 'error', summary: 'A static member is unknown or not allowed in APIM policy expressions.' },
  MA5013: { severity: 'error', summary: 'A local variable is read before it is definitely assigned.' },
  MA5014: { severity: 'error', summary: 'A local variable or parameter with the same name is already defined in an enclosing scope.' },
  MA5015: { severity: 'error', summary: 'Not all code paths of a statement block return a value.' },
  MA5016: { severity: 'error', summary: 'Control falls through from one switch case label to another.' },
  MA5017: { severity: 'error', summary: 'A break or continue statement is not inside a loop or switch.' },
  MA5018: { severity: 'error', summary: 'The left-hand side of an assignment, increment or out argument is not a variable, property or indexer.' },
  MA5019: { severity: 'error', summary: 'Only assignment, call, increment, decrement and object creation expressions can be used as a statement.' },
  MA5020: { severity: 'error', summary: 'A return statement in a policy expression block must return a value.' },
  MA5021: { severity: 'error', summary: 'An implicitly typed local variable needs an initializer that has a type.' },
  MA5022: { severity: 'error', summary: 'A method is invoked without a target; policy expressions have no methods of their own.' },
  MA5023: { severity: 'error', summary: 'A throw statement without an expression is used outside a catch clause.' },
  MA5500: { severity: 'error', summary: 'A member is not part of the .NET surface the emulator implements (or APIM allows).' },
} as const satisfies CatalogPart;
