export { catalog, catalogEntry, type DiagnosticCode } from './catalog/index.ts';
export { type Diagnostic, diagnostic, diagnosticToJson, hasErrors, type Severity, sortDiagnostics } from './diagnostic.ts';
export { countLine, renderDiagnostic, renderDiagnostics } from './render.ts';
export { fileSpan, LineIndex, type SourceSpan } from './span.ts';
