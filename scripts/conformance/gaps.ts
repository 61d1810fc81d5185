/**
 * Where the emulator deliberately does not match .NET, one reason per kind. Cases carry the
 * reason as `gap`; test/expr/conformance.test.ts checks they still differ (so a fixed gap is
 * noticed), and docs/expressions.md lists them. Keep this list short and each reason honest.
 */
export const GAP = {
  SMALL_INTS:
    'byte, sbyte, short, ushort, uint and ulong are not distinct types: byte and short values are carried as Int32 and uint/ulong literals as Int64 (values and arithmetic agree, GetType() does not), and casts to sbyte, ushort, uint and ulong are refused at load (MA5011)',
  STATIC_TYPES:
    'the emulator does not type-check: what C# rejects at compile time because of types or constants (an operator on the wrong types, a constant that overflows, division by a constant zero, a negative constant array size) is only found when the expression runs',
  CHECKED: 'checked(…) is refused at load (MA5004): the emulator always does unchecked integer arithmetic, as APIM does outside checked',
  FUNC: 'Func<…> delegate variables are refused at load (MA5011): System.Func is not among the types reference/apim-semantics.md §2.6 lists as allowed; lambdas passed to LINQ and List methods are supported',
  METHOD_GROUP: 'a method group used as a delegate (`Where(char.IsDigit)`) is refused at load (MA5012); write the lambda (`c => char.IsDigit(c)`)',
  MULTI_DIM: 'multi-dimensional arrays (`new int[,]`) are refused at load (MA5004); no policy in the corpora uses them',
  REFERENCE_EQUALITY: '`==` between two operands typed object compares values: .NET compares references, so two separately boxed 42s differ',
} as const;
