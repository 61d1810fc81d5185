/**
 * Typed forms, with defaults, of the config sections for certificates and alerting:
 * `identity.clientCertificates`, `api.backendCertificate` and `monitoring`. The schema has already
 * checked their shape; this only fills in defaults and normalises (thumbprints upper case, as .NET
 * writes `X509Certificate2.Thumbprint`).
 */
import type { AlertRules, BackendCertificate, ClientCertificates, Monitoring } from './types.ts';

export interface RawClientCertificates {
  mode?: 'required' | 'optional';
  thumbprints?: string[];
  subject?: string;
  issuer?: string;
  validateTrust?: boolean;
  validateRevocation?: boolean;
}

export interface RawBackendCertificate {
  keyVaultSecretId: string;
  identityClientId?: string;
}

export interface RawMonitoring {
  alerts?: {
    location: string;
    severity?: number;
    actionGroupIds?: string[];
    newTool?: false | { lookbackHours?: number };
    denialSpike?: false | { threshold?: number; windowMinutes?: number };
  };
}

/** Defaults of the alert rules (docs/monitoring.md). */
export const ALERT_DEFAULTS = { severity: 2, lookbackHours: 47, threshold: 20, windowMinutes: 5 } as const;

export function readClientCertificates(raw: RawClientCertificates | undefined): ClientCertificates | undefined {
  if (!raw) return undefined;
  return {
    mode: raw.mode ?? 'required',
    thumbprints: (raw.thumbprints ?? []).map((t) => t.toUpperCase()),
    ...(raw.subject !== undefined ? { subject: raw.subject } : {}),
    ...(raw.issuer !== undefined ? { issuer: raw.issuer } : {}),
    validateTrust: raw.validateTrust ?? true,
    validateRevocation: raw.validateRevocation ?? true,
  };
}

export function readBackendCertificate(raw: RawBackendCertificate | undefined): BackendCertificate | undefined {
  if (!raw) return undefined;
  return { keyVaultSecretId: raw.keyVaultSecretId.replace(/\/+$/, ''), ...(raw.identityClientId ? { identityClientId: raw.identityClientId.toLowerCase() } : {}) };
}

export function readMonitoring(raw: RawMonitoring | undefined): Monitoring {
  const alerts = raw?.alerts;
  if (!alerts) return {};
  const rules: AlertRules = {
    location: alerts.location,
    severity: alerts.severity ?? ALERT_DEFAULTS.severity,
    actionGroupIds: alerts.actionGroupIds ?? [],
    ...(alerts.newTool === false ? {} : { newTool: { lookbackHours: alerts.newTool?.lookbackHours ?? ALERT_DEFAULTS.lookbackHours } }),
    ...(alerts.denialSpike === false ? {} : { denialSpike: { threshold: alerts.denialSpike?.threshold ?? ALERT_DEFAULTS.threshold, windowMinutes: alerts.denialSpike?.windowMinutes ?? ALERT_DEFAULTS.windowMinutes } }),
  };
  return { alerts: rules };
}
