import type { Config } from '../config/types.ts';
import { type Diagnostic, diagnostic } from '../diagnostics/index.ts';

/** APIM's maximum policy document size: 256 KiB, 16 KiB on the Consumption tier. */
export function policySizeLimit(sku: Config['apim']['sku']): number {
  return sku === 'Consumption' ? 16 * 1024 : 256 * 1024;
}

/** Deploy-time rejections APIM would give, found before deploying (DESIGN §3, issue 2). */
export function checkCompiledPolicy(config: Config, name: string, xml: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const bytes = Buffer.byteLength(xml, 'utf8');
  const limit = policySizeLimit(config.apim.sku);
  const skuSpan = config.locate('/apim/sku');
  if (bytes > limit) {
    out.push(diagnostic('MA3001', `${name} is ${formatKiB(bytes)} (${bytes} bytes); APIM accepts at most ${formatKiB(limit)} on ${config.apim.sku}`, skuSpan, 'fewer distinct role sets (tools that share the same roles are listed once), shorter descriptions and schemas in the catalog, or api.toolsList: passthrough'));
  } else if (bytes > limit * 0.8) {
    out.push(diagnostic('MA3003', `${name} is ${formatKiB(bytes)}, over 80 % of the ${formatKiB(limit)} APIM accepts on ${config.apim.sku}`, skuSpan));
  }
  if (config.apim.sku === 'Consumption' && /<(rate-limit-by-key|quota-by-key)\b/.test(xml)) {
    out.push(diagnostic('MA3002', `${name} uses rate-limit-by-key, which the Consumption tier does not support; remove rateLimit and limits, or use another tier`, skuSpan));
  }
  return out;
}

function formatKiB(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}
