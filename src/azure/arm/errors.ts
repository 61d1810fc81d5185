/**
 * Turns whatever an ARM call threw into one clear diagnostic (never a stack trace), with every
 * secret value redacted from ARM's message.
 */
import { type Diagnostic, diagnostic } from '../../diagnostics/index.ts';
import { redact } from './desired.ts';
import { classify, RetriesExhausted } from './retry.ts';

/** A deploy that cannot go on; carries the diagnostic to print. */
export class DeployError extends Error {
  readonly diagnostic: Diagnostic;
  constructor(d: Diagnostic) {
    super(d.message);
    this.name = 'DeployError';
    this.diagnostic = d;
  }
}

/** `what` says what was being done, e.g. `update apis/mcp-tools/policies/policy`. */
export function failureDiagnostic(error: unknown, what: string, secrets: readonly string[]): Diagnostic {
  if (error instanceof DeployError) return error.diagnostic;
  const exhausted = error instanceof RetriesExhausted ? error : undefined;
  const f = exhausted ? exhausted.failure : classify(error);
  const clean = (s: string) => redact(s.replace(/\s+/g, ' ').trim(), secrets);
  const answer = f.status !== undefined ? `${f.status} ${f.code}` : f.code;
  if (f.category === 'credential') {
    return diagnostic('MA8010', `${what}: no ARM token: ${clean(f.message)}`, undefined, 'sign in with `az login`, or choose a credential with --credential (see docs/deploy.md)');
  }
  if (f.category === 'cross-origin') return diagnostic('MA8042', `${what}: ${clean(f.message)}`);
  if (f.category === 'operation-failed') return diagnostic('MA8043', `${what}: the long-running operation failed: ${f.code}: ${clean(f.message)}`);
  if (f.status === 401 || f.status === 403) {
    return diagnostic('MA8012', `${what}: ARM answered ${answer}: ${clean(f.message)}`, undefined, f.status === 403 ? 'the identity needs the API Management Service Contributor role on the instance' : 'the token is invalid or expired; sign in again');
  }
  if (f.category === 'network') {
    return diagnostic('MA8044', `${what}: cannot reach ARM (${f.code})${exhausted ? ` after ${exhausted.attempts} attempts` : ''}: ${clean(f.message)}`);
  }
  if (exhausted) return diagnostic('MA8041', `${what}: still failing after ${exhausted.attempts} attempts: ${answer}: ${clean(f.message)}`);
  return diagnostic('MA8040', `${what}: ARM answered ${answer}: ${clean(f.message)}`);
}
